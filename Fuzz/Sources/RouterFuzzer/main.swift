import FuzzSupport

runFuzzer(fuzzRouter)
