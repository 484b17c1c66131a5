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

#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile int pronto_signal_pipe = -1;

static void pronto_signal_handler(int signal) {
    int saved = errno;
    unsigned char byte = (unsigned char)signal;
    if (pronto_signal_pipe >= 0) { (void)!write(pronto_signal_pipe, &byte, 1); }
    errno = saved;
}

int pronto_signal_to_pipe(int signal, int pipe_fd) {
    pronto_signal_pipe = pipe_fd;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = pronto_signal_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART | (signal == SIGCHLD ? SA_NOCLDSTOP : 0);
    return sigaction(signal, &action, NULL);
}
