// Only the declaration in include/CFuzzDriver.h is needed (the function is libFuzzer's);
// a C target needs a source file of its own.
#include "CFuzzDriver.h"
