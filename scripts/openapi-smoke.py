#!/usr/bin/env python3
"""Starts the OpenAPI example the way its README says, `swift run greetings` in its folder
(already built: --skip-build), checks its generated endpoints over real HTTP, then stops it
with SIGTERM.

Usage: openapi-smoke.py PATH/TO/Examples/OpenAPI
"""
import json
import sys
import urllib.error
import urllib.request

import serverprocess


def request(port, path, data=None, headers=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("content-type"), r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type"), error.read()


def main():
    folder = sys.argv[1]
    port = serverprocess.free_port()
    server = serverprocess.start(["swift", "run", "--skip-build", "greetings", str(port)], port, "greetings", timeout=60, cwd=folder)
    failures = []

    def check(what, ok, detail):
        print(f"{'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            failures.append(f"{what}: {detail}")

    try:
        status, kind, body = request(port, "/greet/ada?style=excited")
        check("GET /greet/ada?style=excited: JSON greeting", status == 200 and json.loads(body) == {"message": "Hello, ada!"}, (status, body))
        status, kind, body = request(port, "/greet/ada?style=loud")
        check("GET /greet/ada?style=loud: 400", status == 400, (status, body))
        payload = bytes(range(256)) * 400
        status, kind, body = request(port, "/echo", data=payload, headers={"Content-Type": "application/octet-stream"})
        check("POST /echo: 100 KiB back", status == 200 and body == payload, (status, len(body)))
        status, kind, body = request(port, "/notes/welcome.txt")
        check("GET /notes/welcome.txt: the note", status == 200 and body.startswith(b"Served by"), (status, body))
    finally:
        code = serverprocess.stop(server)
    check("exits cleanly on SIGTERM", code == 0, code)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
