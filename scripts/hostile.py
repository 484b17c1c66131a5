#!/usr/bin/env python3
"""The hostile-client suite: Pronto's hello server (on one core when there are two) against
slow, flooding, smuggling and unlucky clients, each case with its pass criterion.

    hostile.py HELLO_BINARY [--short] [--report FILE.md]

--short (the README's test command) uses fewer connections, short deadlines and short
runs; without it, the issue's sizes: 1,000 slow connections per attack, 10,000 idle ones.
Needs wrk and slowhttptest (scripts/test.sh installs them). Prints a table and exits 1
when a case fails. Every process is stopped by PID and every wait is bounded.
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serverprocess  # noqa: E402
from hostile_cases import attacks, protocol  # noqa: E402

TWO_CORES = (os.cpu_count() or 1) >= 2


def pinned(argv, core):
    return ["taskset", "-c", str(core)] + argv if TWO_CORES else argv


class Hello:
    """A hello server for one case: started with `options`, stopped by PID."""

    def __init__(self, binary, *options, prefix=()):
        self.port = serverprocess.free_port()
        argv = list(prefix) + pinned([binary, "--threads", "1", "--port", str(self.port), "--log-level", "warning", *options], 0)
        self.process = serverprocess.start(argv, self.port, "hello", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.pid = self.process.pid
        if prefix:  # prlimit execs: the server is the same process
            self.pid = self.process.pid

    def url(self, path="/plaintext"):
        return f"http://127.0.0.1:{self.port}{path}"

    def sockets(self):
        """The server's open sockets (the listener included)."""
        count = 0
        for fd in os.listdir(f"/proc/{self.pid}/fd"):
            try:
                if os.readlink(f"/proc/{self.pid}/fd/{fd}").startswith("socket:"):
                    count += 1
            except OSError:
                pass
        return count

    def cpu_seconds(self):
        fields = open(f"/proc/{self.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        status = serverprocess.stop(self.process)
        self.process.stderr.close()
        return status

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.stop()


def wrk(url, seconds, connections=20):
    """wrk's figures: requests/s, and socket errors by kind."""
    out = subprocess.run(pinned(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url], 1),
                         capture_output=True, text=True, timeout=seconds + 30).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if match:
        errors = dict(zip(errors, map(int, match.groups())))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    return rate, errors, non2xx, out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--report", help="write the table as Markdown to this file")
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()
    size = attacks.Sizes.short() if args.short else attacks.Sizes.long()
    cases = attacks.cases(Hello, wrk, size) + protocol.cases(Hello, size)
    results = []
    for name, run in cases:
        if args.only and args.only not in name:
            continue
        started = time.monotonic()
        try:
            passed, criterion, figures = run(args.binary)
        except Exception as error:  # a case that breaks is a failure with its reason
            passed, criterion, figures = False, "ran", f"error: {error}"
        results.append((name, passed, criterion, figures, time.monotonic() - started))
        print(f"{'ok  ' if passed else 'FAIL'} {name}: {figures} [{criterion}]", flush=True)
    table = ["| case | pass | criterion | figures |", "| --- | --- | --- | --- |"]
    table += [f"| {name} | {'yes' if ok else '**no**'} | {criterion} | {figures} |" for name, ok, criterion, figures, _ in results]
    if args.report:
        with open(args.report, "w") as report:
            report.write("\n".join(table) + "\n")
    failed = [r for r in results if not r[1]]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
