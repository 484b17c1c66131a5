import FuzzSupport

runFuzzer(fuzzUTF8)
