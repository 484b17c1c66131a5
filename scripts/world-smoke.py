#!/usr/bin/env python3
"""Starts the World example with no database configured (embedded SQLite, seeded in a
temp file), checks its six endpoints over real HTTP, then stops it with SIGTERM.

Usage: world-smoke.py PATH/TO/world
"""
import json
import os
import sys
import urllib.request

import serverprocess


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return r.status, r.headers.get("content-type"), r.read().decode()


def main():
    binary = sys.argv[1]
    port = serverprocess.free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "WORLD_SQLITE_PATH")}
    server = serverprocess.start([binary, "--port", str(port), "--threads", "1"], port, "world", timeout=30, env=env)
    failures = []
    try:
        def check(path, predicate, what):
            status, content_type, body = get(port, path)
            ok = status == 200 and predicate(content_type, body)
            print(f"{'ok  ' if ok else 'FAIL'} GET {path}: {what}")
            if not ok:
                failures.append(f"{path}: {status} {content_type} {body[:200]}")

        def world(row):
            return set(row) == {"id", "randomNumber"} and 1 <= row["id"] <= 10000 and 1 <= row["randomNumber"] <= 10000

        check("/plaintext", lambda t, b: b == "Hello, World!", "Hello, World!")
        check("/json", lambda t, b: json.loads(b) == {"message": "Hello, World!"}, "the message object")
        check("/db", lambda t, b: world(json.loads(b)), "one World row")
        check("/queries?queries=7", lambda t, b: len(json.loads(b)) == 7 and all(map(world, json.loads(b))), "7 rows")
        check("/updates?queries=3", lambda t, b: len(json.loads(b)) == 3 and all(map(world, json.loads(b))), "3 updated rows")
        check("/fortunes", lambda t, b: t == "text/html; charset=utf-8" and b.count("<tr>") == 14
              and "&lt;script&gt;" in b and "Additional fortune added at request time." in b, "13 fortunes, escaped")
    finally:
        code = serverprocess.stop(server)
        if code != 0:
            failures.append(f"world exited with status {code} on SIGTERM")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)
    print("world: all six endpoints answered on SQLite, and it stopped on SIGTERM")


if __name__ == "__main__":
    main()
