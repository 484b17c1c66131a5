import FuzzSupport

runFuzzer(fuzzRequestParser)
