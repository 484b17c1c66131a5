// `import Pronto` gives the framework and everything below it: the engine (ProntoCore),
// which itself re-exports the wire format (ProntoHTTP) and the NIO types a handler uses.
@_exported import ProntoCore
