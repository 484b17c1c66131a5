/*
 * malloccount.c: an LD_PRELOAD library that counts heap allocations of a
 * whole process (all threads), for Pronto's macro benchmarks.
 *
 * Counted (each call counts once, whatever the size, including realloc):
 *   malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign, valloc, pvalloc
 * free is not interposed.
 *
 * The wrappers forward to glibc's own __libc_malloc & co., so there is no
 * dlsym() and no bootstrap problem (dlsym itself calls calloc), and nothing
 * is allocated by the counter itself. Counters are relaxed atomics.
 *
 * Reading the counts: send SIGUSR2 to the process. The handler writes one line
 *
 *   total=N malloc=N calloc=N realloc=N posix_memalign=N aligned_alloc=N memalign=N valloc=N pvalloc=N
 *
 * to $MALLOC_COUNT_FILE (written to "$MALLOC_COUNT_FILE.tmp" and renamed, so
 * a reader that polls for the file never sees a partial line), or to stderr
 * when MALLOC_COUNT_FILE is unset. The handler is async-signal-safe.
 * If the program installs its own SIGUSR2 handler, it replaces this one.
 *
 * Build: gcc -O2 -shared -fPIC -o libmalloccount.so malloccount.c
 * Use:   MALLOC_COUNT_FILE=/tmp/counts LD_PRELOAD=$PWD/libmalloccount.so ./server &
 *        kill -USR2 $!; cat /tmp/counts
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

enum { C_MALLOC, C_CALLOC, C_REALLOC, C_POSIX_MEMALIGN, C_ALIGNED_ALLOC, C_MEMALIGN, C_VALLOC, C_PVALLOC, C_COUNT };
static const char *const names[C_COUNT] = {
    "malloc", "calloc", "realloc", "posix_memalign", "aligned_alloc", "memalign", "valloc", "pvalloc",
};

/* One cache line per counter so that counters bumped by different threads do not false-share. */
static struct { uint64_t n; char pad[56]; } counters[C_COUNT] __attribute__((aligned(64)));

#define COUNT(i) __atomic_fetch_add(&counters[i].n, 1, __ATOMIC_RELAXED)

void *malloc(size_t size) {
    COUNT(C_MALLOC);
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size) {
    COUNT(C_CALLOC);
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size) {
    COUNT(C_REALLOC);
    return __libc_realloc(p, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    COUNT(C_POSIX_MEMALIGN);
    if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment % sizeof(void *) != 0)
        return EINVAL;
    int saved = errno;
    void *p = __libc_memalign(alignment, size);
    if (p == NULL) {
        errno = saved;
        return ENOMEM;
    }
    *out = p;
    errno = saved;
    return 0;
}

void *aligned_alloc(size_t alignment, size_t size) {
    COUNT(C_ALIGNED_ALLOC);
    return __libc_memalign(alignment, size);
}

void *memalign(size_t alignment, size_t size) {
    COUNT(C_MEMALIGN);
    return __libc_memalign(alignment, size);
}

void *valloc(size_t size) {
    COUNT(C_VALLOC);
    return __libc_valloc(size);
}

void *pvalloc(size_t size) {
    COUNT(C_PVALLOC);
    return __libc_pvalloc(size);
}

/* ---- reporting (async-signal-safe) ---- */

static char out_path[4096];
static char tmp_path[4096 + 8];

static size_t put_str(char *buf, size_t pos, size_t cap, const char *s) {
    while (*s && pos < cap) buf[pos++] = *s++;
    return pos;
}

static size_t put_u64(char *buf, size_t pos, size_t cap, uint64_t v) {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n > 0 && pos < cap) buf[pos++] = digits[--n];
    return pos;
}

static void write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            return;
        }
        buf += w;
        len -= (size_t)w;
    }
}

static void report(int sig) {
    (void)sig;
    int saved = errno;
    uint64_t values[C_COUNT], total = 0;
    for (int i = 0; i < C_COUNT; i++) {
        values[i] = __atomic_load_n(&counters[i].n, __ATOMIC_RELAXED);
        total += values[i];
    }
    char line[512];
    size_t pos = 0, cap = sizeof line - 1;
    pos = put_str(line, pos, cap, "total=");
    pos = put_u64(line, pos, cap, total);
    for (int i = 0; i < C_COUNT; i++) {
        pos = put_str(line, pos, cap, " ");
        pos = put_str(line, pos, cap, names[i]);
        pos = put_str(line, pos, cap, "=");
        pos = put_u64(line, pos, cap, values[i]);
    }
    line[pos++] = '\n';
    if (out_path[0]) {
        int fd = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0) {
            write_all(fd, line, pos);
            close(fd);
            rename(tmp_path, out_path);
        }
    } else {
        write_all(2, line, pos);
    }
    errno = saved;
}

__attribute__((constructor)) static void malloccount_init(void) {
    const char *path = getenv("MALLOC_COUNT_FILE");
    if (path && *path && strlen(path) < sizeof out_path) {
        memcpy(out_path, path, strlen(path) + 1);
        memcpy(tmp_path, path, strlen(path));
        memcpy(tmp_path + strlen(path), ".tmp", 5);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = report;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);
}
