#!/usr/bin/env python3
"""Japronto benchmark peer: /plaintext, /json and /hello/{name} on one worker.

Japronto (squeaky-pl) is an HTTP toolkit whose protocol, parser
(picohttpparser), pipelining, router and response encoder are written in C,
on uvloop. `Application.run()` always forks `worker_num` worker processes
from a parent that only waits for them; here the single worker's code
(`Application.serve`) runs in this process instead, so that the process
`run.sh` starts, pins and measures (CPU time, malloc counter) is the one that
serves. Nothing else differs from `app.run(host, port, worker_num=1)`.

    python japronto_server.py --host 127.0.0.1 --port 8080

Routes: GET /plaintext -> "Hello, World!" (text/plain), GET /json ->
{"message":"Hello, World!"} and GET /hello/{name} -> {"message":"Hello NAME"}
(application/json, json.dumps per request; Japronto's own
`Response(json=...)` would put a space after ':' and ','), anything else ->
Japronto's 404.
"""

import argparse
import json
import socket
import sys

from japronto import Application

JSON_MESSAGE = {"message": "Hello, World!"}
_json_dumps = json.JSONEncoder(separators=(",", ":")).encode


def plaintext(request):
    return request.Response(text="Hello, World!")


def json_handler(request):
    return request.Response(text=_json_dumps(JSON_MESSAGE), mime_type="application/json")


def hello(request):
    name = request.match_dict["name"]
    return request.Response(text=_json_dumps({"message": "Hello " + name}), mime_type="application/json")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()

    app = Application()
    app.router.add_route("/plaintext", plaintext, method="GET")
    app.router.add_route("/json", json_handler, method="GET")
    app.router.add_route("/hello/{name}", hello, method="GET")

    # What Application._run does for worker_num=1, minus the fork: bind the
    # listening socket, then run the worker's event loop here.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sys.stdout.flush()
    app.serve(sock=sock, host=args.host, port=args.port, reloader_pid=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
