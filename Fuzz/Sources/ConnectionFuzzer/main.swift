import FuzzSupport

runFuzzer(fuzzConnection)
