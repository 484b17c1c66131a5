/*
 * limit.c: "the limit" HTTP/1.1 server for Pronto's macro benchmarks.
 *
 * A single-threaded, non-blocking, level-triggered epoll server that does
 * the least work an HTTP/1.1 server can do and still answer every request:
 *
 *   - one read() per readiness event into a static buffer,
 *   - counts complete requests by finding each "\r\n\r\n" (a per-connection
 *     state remembers how many bytes of "\r\n\r\n" matched so far, so heads
 *     split across reads and pipelined heads both work),
 *   - for each request appends a canned response to one output buffer,
 *   - one write() per read batch.
 *
 * Request bodies are not supported (benchmark requests are GETs). Every
 * request is answered with the canned plaintext response, except requests
 * whose request line starts with "GET /json" (followed by ' ' or '?'), which
 * get the canned JSON response. The Date header is a real RFC 7231
 * IMF-fixdate, refreshed at most once per second.
 *
 * Usage:  limit PORT [HOST]      (HOST defaults to 127.0.0.1)
 * Build:  gcc -O2 -o limit limit.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_BUF_SIZE (64 * 1024)
/* Worst case: a 64 KiB read of minimal 4-byte heads -> 16384 responses. */
#define OUT_BUF_SIZE (4 * 1024 * 1024)
#define HEAD_CAP 10 /* strlen("GET /json ") */
#define MAX_EVENTS 256

static const char PLAIN_PREFIX[] =
    "HTTP/1.1 200 OK\r\n"
    "Server: L\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 13\r\n"
    "Date: ";
static const char PLAIN_SUFFIX[] = "\r\n\r\nHello, World!";

static const char JSON_PREFIX[] =
    "HTTP/1.1 200 OK\r\n"
    "Server: L\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 27\r\n"
    "Date: ";
static const char JSON_SUFFIX[] = "\r\n\r\n{\"message\":\"Hello, World!\"}";

#define DATE_LEN 29 /* "Sun, 06 Nov 1994 08:49:37 GMT" */

static char plain_resp[sizeof(PLAIN_PREFIX) - 1 + DATE_LEN + sizeof(PLAIN_SUFFIX) - 1];
static char json_resp[sizeof(JSON_PREFIX) - 1 + DATE_LEN + sizeof(JSON_SUFFIX) - 1];
static time_t date_second = -1;

static char read_buf[READ_BUF_SIZE];
static char out_buf[OUT_BUF_SIZE];

struct conn {
    uint8_t matched;        /* bytes of "\r\n\r\n" matched so far */
    uint8_t hlen;           /* bytes of the current request's start captured */
    uint8_t open;
    char head[HEAD_CAP];    /* start of the current request line */
    char *pending;          /* unwritten output after a partial write */
    size_t pending_len;
    size_t pending_off;
};

static struct conn *conns;
static int max_fds;
static int epfd;

static void update_date(void) {
    time_t now = time(NULL);
    if (now == date_second) return;
    date_second = now;
    struct tm tm;
    gmtime_r(&now, &tm);
    char date[DATE_LEN + 1];
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    memcpy(plain_resp + sizeof(PLAIN_PREFIX) - 1, date, DATE_LEN);
    memcpy(json_resp + sizeof(JSON_PREFIX) - 1, date, DATE_LEN);
}

static void init_responses(void) {
    memcpy(plain_resp, PLAIN_PREFIX, sizeof(PLAIN_PREFIX) - 1);
    memcpy(plain_resp + sizeof(PLAIN_PREFIX) - 1 + DATE_LEN, PLAIN_SUFFIX, sizeof(PLAIN_SUFFIX) - 1);
    memcpy(json_resp, JSON_PREFIX, sizeof(JSON_PREFIX) - 1);
    memcpy(json_resp + sizeof(JSON_PREFIX) - 1 + DATE_LEN, JSON_SUFFIX, sizeof(JSON_SUFFIX) - 1);
    update_date();
}

static void close_conn(int fd) {
    struct conn *c = &conns[fd];
    free(c->pending);
    memset(c, 0, sizeof *c);
    close(fd); /* also removes it from the epoll set */
}

static inline void capture_head(struct conn *c, const char *p, size_t avail) {
    if (c->hlen >= HEAD_CAP) return;
    size_t k = HEAD_CAP - c->hlen;
    if (k > avail) k = avail;
    memcpy(c->head + c->hlen, p, k);
    c->hlen += (uint8_t)k;
}

static inline int is_json(const struct conn *c) {
    return c->hlen == HEAD_CAP && memcmp(c->head, "GET /json", 9) == 0 &&
           (c->head[9] == ' ' || c->head[9] == '?');
}

/* Scans n bytes, appends one response per complete request head to out_buf. */
static size_t process(struct conn *c, const char *buf, size_t n, size_t out_len) {
    size_t i = 0;
    unsigned m = c->matched;
    capture_head(c, buf, n);
    while (i < n) {
        if (m == 0) {
            const char *r = memchr(buf + i, '\r', n - i);
            if (r == NULL) break;
            i = (size_t)(r - buf) + 1;
            m = 1;
            continue;
        }
        char ch = buf[i++];
        switch (m) {
        case 1: m = ch == '\n' ? 2 : (ch == '\r' ? 1 : 0); break;
        case 2: m = ch == '\r' ? 3 : 0; break;
        default: /* 3 */
            if (ch == '\n') {
                const char *resp;
                size_t len;
                if (is_json(c)) { resp = json_resp; len = sizeof json_resp; }
                else { resp = plain_resp; len = sizeof plain_resp; }
                if (out_len + len > OUT_BUF_SIZE) {
                    fprintf(stderr, "limit: output buffer overflow\n");
                    exit(1);
                }
                memcpy(out_buf + out_len, resp, len);
                out_len += len;
                m = 0;
                c->hlen = 0;
                capture_head(c, buf + i, n - i);
            } else {
                m = ch == '\r' ? 1 : 0;
            }
            break;
        }
    }
    c->matched = (uint8_t)m;
    return out_len;
}

static void set_events(int fd, uint32_t events) {
    struct epoll_event ev = {.events = events, .data.fd = fd};
    epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
}

/* Writes out_buf[0..len); on a partial write keeps the rest and waits for EPOLLOUT. */
static int send_out(int fd, size_t len) {
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, out_buf + off, len - off);
        if (w > 0) { off += (size_t)w; continue; }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct conn *c = &conns[fd];
            c->pending_len = len - off;
            c->pending_off = 0;
            c->pending = malloc(c->pending_len);
            if (c->pending == NULL) return -1;
            memcpy(c->pending, out_buf + off, c->pending_len);
            set_events(fd, EPOLLOUT | EPOLLRDHUP); /* stop reading until drained */
            return 0;
        }
        return -1;
    }
    return 0;
}

static void on_writable(int fd) {
    struct conn *c = &conns[fd];
    while (c->pending_off < c->pending_len) {
        ssize_t w = write(fd, c->pending + c->pending_off, c->pending_len - c->pending_off);
        if (w > 0) { c->pending_off += (size_t)w; continue; }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        close_conn(fd);
        return;
    }
    free(c->pending);
    c->pending = NULL;
    c->pending_len = c->pending_off = 0;
    set_events(fd, EPOLLIN | EPOLLRDHUP);
}

static void on_readable(int fd) {
    struct conn *c = &conns[fd];
    ssize_t n;
    do {
        n = read(fd, read_buf, sizeof read_buf);
    } while (n < 0 && errno == EINTR);
    if (n == 0) { close_conn(fd); return; }
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) close_conn(fd);
        return;
    }
    size_t out_len = process(c, read_buf, (size_t)n, 0);
    if (out_len > 0 && send_out(fd, out_len) < 0) close_conn(fd);
    /* Level-triggered: if more data is queued, epoll reports the fd again. */
}

static void on_accept(int lfd) {
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return; /* EAGAIN, or EMFILE & co: try again on the next event */
        }
        if (fd >= max_fds) { close(fd); continue; }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        memset(&conns[fd], 0, sizeof conns[fd]);
        conns[fd].open = 1;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = fd};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) close_conn(fd);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT [HOST]\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    const char *host = argc > 2 ? argv[2] : "127.0.0.1";
    signal(SIGPIPE, SIG_IGN);

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    max_fds = (rl.rlim_cur > 0 && rl.rlim_cur < 1048576) ? (int)rl.rlim_cur : 65536;
    conns = calloc((size_t)max_fds, sizeof *conns);
    if (conns == NULL) { perror("calloc"); return 1; }
    init_responses();

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) { perror("socket"); return 1; }
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "limit: bad IPv4 address %s\n", host);
        return 2;
    }
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0) { perror("bind"); return 1; }
    if (listen(lfd, 1024) < 0) { perror("listen"); return 1; }

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) { perror("epoll_create1"); return 1; }
    struct epoll_event lev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev);
    printf("limit listening on %s:%d\n", host, port);
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epfd, events, MAX_EVENTS, 1000);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("epoll_wait");
            return 1;
        }
        update_date(); /* one time() call per wakeup; rewrites the date at most once per second */
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            uint32_t ev = events[i].events;
            if (fd == lfd) { on_accept(lfd); continue; }
            if (!conns[fd].open) continue;
            if (ev & (EPOLLERR | EPOLLHUP)) { close_conn(fd); continue; }
            if (ev & EPOLLOUT) { on_writable(fd); continue; }
            if (conns[fd].pending != NULL) { /* not reading until drained */
                if (ev & EPOLLRDHUP) close_conn(fd);
                continue;
            }
            if (ev & (EPOLLIN | EPOLLRDHUP)) on_readable(fd);
        }
    }
}
