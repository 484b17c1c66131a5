#!/usr/bin/env python3
"""Allocation regression check, the NIO way: counts heap allocations per request in the
release `hello` server, for each path the engine and framework promise to keep cheap, and
fails when a count rises above its budget.

    alloc-check.py HELLO_BINARY LIBMALLOCCOUNT_SO

The server runs with Benchmarks/MallocCounter's LD_PRELOAD counter (read with SIGUSR2).
Each path is warmed up on 4 keep-alive connections, then 4 x 1,000 requests are counted,
one at a time and pipelined 16 per write. Allocation counts are deterministic in steady
state; the small tolerance absorbs once-a-second work (the Date cache) falling in the run.
Prints "N passed, M failed" and exits non-zero on any failure.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import serverprocess

TOLERANCE = 0.02

# (mode, path, budget per request): the table, plus the engine and the JSON routes.
CASES = [
    ("framework", "/plaintext", 0),
    ("framework", "/json", 0),
    ("framework", "/async/plaintext", 0),        # async handler that awaits nothing
    ("framework", "/async/yield", 2),            # suspends once
    ("framework", "/mw/plaintext", 0),           # two pass-through InlineMiddleware
    ("framework", "/mw-async/plaintext", 0),     # two pass-through async Middleware
    ("framework", "/mw/json", 1),                # Codable JSON behind the middleware
    ("framework", "/hello/world", 1),            # one path parameter, Codable JSON
    ("framework", "/users/1/posts/2", 2),        # two typed path parameters, Codable JSON
    ("engine", "/plaintext", 0),
    ("engine", "/json", 0),
]


def read_count(process, count_file):
    try:
        os.remove(count_file)
    except FileNotFoundError:
        pass
    process.send_signal(signal.SIGUSR2)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if os.path.exists(count_file):
            with open(count_file) as f:
                return int(f.read().split()[0].split("=")[1])
        time.sleep(0.005)
    raise SystemExit("the malloc counter did not answer SIGUSR2 within 5 s")


def exchange(sock, path, rounds, pipeline):
    """Sends `rounds` batches of `pipeline` GETs, reading every response (bounded by the socket timeout)."""
    request = ("GET %s HTTP/1.1\r\nHost: alloc-check\r\n\r\n" % path).encode() * pipeline
    for _ in range(rounds):
        sock.sendall(request)
        seen, buffer = 0, b""
        while seen < pipeline:
            data = sock.recv(65536)
            if not data:
                raise SystemExit(f"{path}: the server closed the connection")
            buffer += data
            # Count complete responses: a status line, then Content-Length bytes after the head.
            while True:
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    break
                head = buffer[:end].decode("latin-1")
                if not head.startswith("HTTP/1.1 200"):
                    raise SystemExit(f"{path}: unexpected response {head.splitlines()[0]!r}")
                length = next(int(line.split(":")[1]) for line in head.split("\r\n") if line.lower().startswith("content-length:"))
                if len(buffer) < end + 4 + length:
                    break
                buffer = buffer[end + 4 + length:]
                seen += 1


def measure(process, count_file, port, path, pipeline):
    connections = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(4)]
    try:
        for sock in connections:
            exchange(sock, path, 64 // pipeline + 2, pipeline)  # warm-up: workers, buffers, caches
        before = read_count(process, count_file)
        rounds = 1000 // pipeline
        for sock in connections:
            exchange(sock, path, rounds, pipeline)
        after = read_count(process, count_file)
        return (after - before) / (4 * rounds * pipeline)
    finally:
        for sock in connections:
            sock.close()


def main():
    hello, library = sys.argv[1], os.path.abspath(sys.argv[2])
    passed = failed = 0
    with tempfile.TemporaryDirectory() as scratch:
        count_file = os.path.join(scratch, "counts")
        env = dict(os.environ, LD_PRELOAD=library, MALLOC_COUNT_FILE=count_file)
        for mode in ("framework", "engine"):
            port = serverprocess.free_port()
            argv = [hello, "--host", "127.0.0.1", "--port", str(port), "--threads", "1", "--log-level", "error"]
            if mode == "engine":
                argv.append("--engine")
            process = serverprocess.start(argv, port, f"hello ({mode})", env=env)
            try:
                for case_mode, path, budget in CASES:
                    if case_mode != mode:
                        continue
                    for pipeline in (1, 16):
                        per_request = measure(process, count_file, port, path, pipeline)
                        ok = per_request <= budget + TOLERANCE
                        passed, failed = passed + ok, failed + (not ok)
                        print(f"{'ok  ' if ok else 'FAIL'} {mode:9} {path:22} pipeline {pipeline:2}: "
                              f"{per_request:.3f} allocations/request (budget {budget})")
            finally:
                serverprocess.stop(process)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
