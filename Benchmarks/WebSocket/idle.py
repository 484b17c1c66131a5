#!/usr/bin/env python3
"""Memory of idle WebSocket connections: opens N connections to hello's /ws/echo (handshake
done, one echo each to prove it is open), then reads hello's RSS against its RSS before, and
reports the cost per connection; then closes them all and reads the RSS again. With
--rounds 2 or more it does it again: freed connections' memory is reused, so a round after
the first must not grow the RSS (glibc keeps freed heap, so the RSS after closing does not
fall back to idle).

Usage: Benchmarks/WebSocket/idle.py PATH_TO_RELEASE_HELLO [--connections 10000] [--rounds 1]
The server runs on CPU 0 with one event-loop thread; raises the open-files limit as needed.
"""
import argparse
import asyncio
import base64
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import serverprocess  # noqa: E402

FRAME = bytes([0x81, 0x84, 1, 2, 3, 4]) + bytes(b ^ k for b, k in zip(b"ping", [1, 2, 3, 4]))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def open_one(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f"GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode() + FRAME)
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(head.decode(errors="replace"))
    echo = await reader.readexactly(6)
    if echo[2:] != b"ping":
        raise RuntimeError(f"bad echo {echo!r}")
    return writer


async def run(port, count, pid):
    writers = []
    for start in range(0, count, 500):
        writers += await asyncio.gather(*(open_one(port) for _ in range(start, min(count, start + 500))))
    time.sleep(1)
    held = rss_kib(pid)
    for writer in writers:
        writer.close()
    await asyncio.sleep(2)
    return held


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("hello")
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=1)
    arguments = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = arguments.connections * 2 + 1000
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, wanted), hard), hard))
    port = serverprocess.free_port()
    process = serverprocess.start(["taskset", "-c", "0", arguments.hello, "--port", str(port), "--threads", "1", "--log-level", "error"],
                                  port, "hello", stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        idle = rss_kib(process.pid)
        for round in range(1, arguments.rounds + 1):
            held = asyncio.run(run(port, arguments.connections, process.pid))
            after = rss_kib(process.pid)
            per = (held - idle) / arguments.connections
            print(f"round {round}: {arguments.connections} WebSocket connections: RSS {idle / 1024:.1f} MiB idle, "
                  f"{held / 1024:.1f} MiB holding them ({per:.1f} KiB each), {after / 1024:.1f} MiB after they closed", flush=True)
    finally:
        serverprocess.stop(process)


if __name__ == "__main__":
    main()
