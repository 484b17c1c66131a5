#ifndef C_PRONTO_SYSTEM_H
#define C_PRONTO_SYSTEM_H

/// openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, plus RESOLVE_NO_SYMLINKS when
/// no_symlinks is non-zero: opens `path` relative to the directory `dirfd` and fails (EXDEV,
/// ELOOP) rather than leave it. Returns the descriptor, or -1 with errno set; errno is
/// ENOSYS where the call does not exist (kernels before 5.6, other systems).
/// A C shim because the call has no libc wrapper and Swift cannot call variadic syscall(2).
int pronto_open_beneath(int dirfd, const char *path, int flags, int no_symlinks);

/// Gives the heap's free pages back to the system (glibc's malloc_trim(0)), after many
/// connections closed: glibc keeps freed memory for reuse otherwise, and the process's
/// resident size stays at its peak. Returns 1 when memory was released, 0 otherwise (and
/// always 0 where the call does not exist).
int pronto_trim_heap(void);

/// Routes `signal` to a self-pipe: its handler writes the signal's number as one byte to
/// `pipe_fd` (non-blocking; a full pipe drops the byte, the reader is behind anyway).
/// The supervisor's poll loop reads the pipe, so every signal is handled in the loop and no
/// Swift code runs in a signal handler (where nothing but write(2) would be safe).
/// Returns 0, or -1 with errno set.
int pronto_signal_to_pipe(int signal, int pipe_fd);

#endif
