import FuzzSupport

runFuzzer(fuzzURLEncodedForm)
