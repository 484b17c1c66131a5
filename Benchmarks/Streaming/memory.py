#!/usr/bin/env python3
"""Server memory while streaming 2 GiB each way: hello's RSS (VmRSS, sampled every 10 ms)
above its idle RSS during a streamed upload to /upload and a streamed download from
/stream, with curl as the client; then a slow reader (curl --limit-rate) of a 256 MiB stream.

Usage: Benchmarks/Streaming/memory.py PATH_TO_RELEASE_HELLO [--size-gib 2]
The server runs on CPU 0 with one event-loop thread, curl on CPU 1. Target (issue 10): the
peak stays under 64 MiB above idle.
"""
import argparse
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import serverprocess  # noqa: E402


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Sampler:
    def __init__(self, pid):
        self.pid, self.peak, self.running = pid, 0, True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.01)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.peak


def measure(pid, name, command, idle):
    sampler = Sampler(pid)
    start = time.monotonic()
    output = subprocess.run(["taskset", "-c", "1", *command], check=True, capture_output=True).stdout
    seconds = time.monotonic() - start
    peak = sampler.stop()
    print(f"| {name} | {seconds:.1f} s | {idle / 1024:.1f} MiB | {peak / 1024:.1f} MiB | {(peak - idle) / 1024:.1f} MiB |")
    return output


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("hello")
    parser.add_argument("--size-gib", type=float, default=2)
    args = parser.parse_args()
    size = int(args.size_gib * 1024 ** 3)
    port = serverprocess.free_port()
    process = serverprocess.start(
        ["taskset", "-c", "0", args.hello, "--port", str(port), "--threads", "1", "--log-level", "error"],
        port, "hello", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        subprocess.run(["curl", "-s", "-o", "/dev/null", f"{base}/plaintext"], check=True)
        idle = rss_kib(process.pid)
        print("| transfer | time | idle RSS | peak RSS | peak above idle |")
        print("|---|---:|---:|---:|---:|")
        upload = ["sh", "-c", f"head -c {size} /dev/zero | curl -sS -T - {base}/upload"]
        print(measure(process.pid, f"upload {args.size_gib:g} GiB (chunked) to /upload", upload, idle).decode().strip(), file=sys.stderr)
        measure(process.pid, f"download {args.size_gib:g} GiB from /stream", ["curl", "-sS", "-o", "/dev/null", f"{base}/stream?bytes={size}"], idle)
        measure(process.pid, "slow reader: 256 MiB from /stream at 64 MiB/s", ["curl", "-sS", "--limit-rate", "64M", "-o", "/dev/null", f"{base}/stream?bytes={256 * 1024 ** 2}"], idle)
    finally:
        serverprocess.stop(process)


if __name__ == "__main__":
    main()
