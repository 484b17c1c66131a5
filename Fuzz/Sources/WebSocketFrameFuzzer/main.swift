import FuzzSupport

runFuzzer(fuzzWebSocketFrames)
