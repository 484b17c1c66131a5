"""Hostile shapes of HTTP/1.1 itself: request smuggling (CL.TE, TE.CL, TE.TE obfuscations,
duplicate Content-Length, obs-fold, bare LF and CR, chunked on HTTP/1.0) and oversized
heads and bodies. Each is sent on a fresh connection followed by an innocent request:
the server must refuse it with a 4xx and close, and never answer what came after it (a
second answer would mean the two sides disagree about where the first request ended)."""
import socket

SMUGGLED = b"GET /plaintext?smuggled HTTP/1.1\r\nHost: x\r\n\r\n"

# name, bytes, the statuses allowed
SHAPES = [
    ("CL.TE", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG", {400}),
    ("TE.CL", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n", {400}),
    ("TE.TE: second TE header", b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n", {400, 501}),
    ("TE.TE: space before colon", b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", {400}),
    ("TE.TE: xchunked", b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", {400, 501}),
    ("TE.TE: chunked, identity", b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", {400, 501}),
    ("TE.TE: vertical tab", b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\x0bchunked\r\n\r\n0\r\n\r\n", {400}),
    ("duplicate Content-Length", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", {400}),
    ("Content-Length list", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!", {400}),
    ("Content-Length +5", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello", {400}),
    ("obs-fold", b"GET /plaintext HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n", {400}),
    ("bare LF", b"GET /plaintext HTTP/1.1\nHost: x\n\n", {400}),
    ("bare CR", b"GET /plaintext HTTP/1.1\rHost: x\r\n\r\n", {400}),
    ("chunked on HTTP/1.0", b"POST /echo HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", {400}),
    ("chunk size overflow", b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff1\r\nx\r\n0\r\n\r\n", {400, 413}),
    ("request line 20 KiB", b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", {414}),
    ("header section 40 KiB", b"GET /plaintext HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"b" * 40000 + b"\r\n\r\n", {431}),
    ("body over the limit", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n", {413}),
]


def exchange(port, data, timeout=5.0):
    """Sends data then the innocent request; returns everything read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data + SMUGGLED)
        except OSError:
            pass  # the server may refuse and close before reading everything
        received = b""
        while True:
            try:
                part = sock.recv(65536)
            except ConnectionResetError:
                break
            except socket.timeout:
                return received, False
            if not part:
                break
            received += part
        return received, True


def shapes_case(Hello, size):
    def run(binary):
        failures, seen = [], []
        with Hello(binary) as server:
            for name, data, allowed in SHAPES:
                received, closed = exchange(server.port, data)
                answers = received.count(b"HTTP/1.1 ")
                status = int(received[9:12]) if received.startswith(b"HTTP/1.1 ") else None
                seen.append(f"{name} {status}")
                if status not in allowed or answers != 1 or not closed:
                    failures.append(f"{name}: status {status}, {answers} answers, {'closed' if closed else 'left open'}")
            # The server still serves after all of it.
            ok_after, _ = exchange(server.port, b"GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            if not ok_after.startswith(b"HTTP/1.1 200"):
                failures.append("not serving afterwards")
        figures = "; ".join(failures) if failures else f"{len(SHAPES)} shapes refused, each answered once and closed: " + ", ".join(seen)
        return not failures, "the allowed 4xx, one answer, then close; the request after it never answered", figures
    return run


def cases(Hello, size):
    return [("request smuggling shapes and oversized requests", shapes_case(Hello, size))]
