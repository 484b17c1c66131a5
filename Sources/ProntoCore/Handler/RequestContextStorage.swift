/// Room in every ``Request`` for what the layer above the engine (a framework) attaches to
/// it: one reference and three words of plain bits. The engine stores them, copies and
/// moves them with the request, and never reads them.
///
/// A framework's per-request data must travel with the request through the framework's
/// layers and into async handlers at no cost on the hot path, while the engine knows
/// nothing of it. Hence this shape, chosen over the alternatives:
/// - Fixed and small: 32 bytes, whatever is stored. Attaching data allocates nothing;
///   copying a request retains one reference at most and copies the bits.
/// - Loadable: a reference and plain integers, so ``Request`` stays a plain value that
///   the engine moves and consumes freely. An `any Sendable` slot would hold a typed value
///   of up to three words inline, but an existential of a non-class type makes every type
///   that contains it address-only: each copy of a request would go through the stored
///   type's value witnesses, and the engine's moves of requests (a `consuming` job
///   captured by a closure, in the async workers) would not compile as written.
/// - Typed where it matters: ``object`` is a real reference (retained and released with
///   the request, read back with a checked cast); ``bits`` hold no references, so nothing
///   read from them can be unsafe, only wrong.
/// - Not generic: a `Request<Context>` would make every handler and result generic, and
///   everything built on them; a dictionary of values would allocate per request.
///
/// The owner puts data shared by many requests in ``object`` (made once, referenced by
/// each request), small per-request values in ``bits``, and anything larger in a box of
/// its own, allocated only for the requests that need it. One owner: a framework defines
/// what the slot holds (Pronto's framework does); an app on the bare engine may use it for
/// its own data instead.
public struct RequestContextStorage: Sendable {
    /// A reference the owner keeps with the request.
    public var object: (any AnyObject & Sendable)?
    /// Plain bits for the owner; zero until it sets them.
    public var bits: (UInt64, UInt64, UInt64)

    /// Empty storage: no object, bits zero.
    @inlinable
    public init() {
        object = nil
        bits = (0, 0, 0)
    }
}
