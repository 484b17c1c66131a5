import FuzzSupport

runFuzzer(fuzzChunkedDecoder)
