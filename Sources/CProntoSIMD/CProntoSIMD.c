// CProntoSIMD is header-only (static inline functions, see include/CProntoSIMD.h); SwiftPM
// needs one source file to build a C target.
#include "CProntoSIMD.h"
