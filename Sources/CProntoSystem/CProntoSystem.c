#include "CProntoSystem.h"

#include <errno.h>

#if defined(__linux__)
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

int pronto_open_beneath(int dirfd, const char *path, int flags, int no_symlinks) {
#ifdef SYS_openat2
    struct open_how how = {0};
    how.flags = (unsigned long long)flags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | (no_symlinks ? RESOLVE_NO_SYMLINKS : 0);
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
#else
    errno = ENOSYS;
    return -1;
#endif
}
#else
int pronto_open_beneath(int dirfd, const char *path, int flags, int no_symlinks) {
    (void)dirfd; (void)path; (void)flags; (void)no_symlinks;
    errno = ENOSYS;
    return -1;
}
#endif

#if defined(__GLIBC__)
#include <malloc.h>
int pronto_trim_heap(void) { return malloc_trim(0); }
#else
int pronto_trim_heap(void) { return 0; }
#endif
