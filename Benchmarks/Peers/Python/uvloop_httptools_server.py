#!/usr/bin/env python3
"""Minimal HTTP/1.1 server on asyncio + uvloop + httptools (Pronto benchmark peer).

Modeled on the classic "uvloop + httptools" server of uvloop's benchmark
tool bench (MagicStack's vmbench, `asyncio_http_server.py`): an
`asyncio.Protocol` that feeds every read to `httptools.HttpRequestParser` and
answers each complete request from `on_message_complete`. The responses of one
`data_received` call are joined and written with a single `transport.write`
(vmbench writes each one from a `call_soon` callback): keep-alive and
pipelining work, every request is answered, in order.

Routes: GET /plaintext -> "Hello, World!" (text/plain, preallocated),
GET /json -> {"message":"Hello, World!"} and GET /hello/NAME ->
{"message":"Hello NAME"} (application/json, json.dumps per request), anything
else -> 404 (the query string is ignored). A `Date` header is cached and
refreshed once a second.

    python uvloop_httptools_server.py --host 127.0.0.1 --port 8080

One process, one event loop, one thread.
"""

import argparse
import asyncio
import json
import signal
import socket
import sys
from email.utils import formatdate

import httptools
import uvloop

PLAINTEXT_BODY = b"Hello, World!"
JSON_MESSAGE = {"message": "Hello, World!"}
_json_dumps = json.JSONEncoder(separators=(",", ":")).encode


class Responses:
    """Response heads that carry the current Date, rebuilt once a second."""

    def __init__(self):
        self.refresh()

    def refresh(self):
        date = formatdate(usegmt=True).encode("latin-1")
        self.date_header = b"Date: " + date + b"\r\n"
        self.plaintext = (
            b"HTTP/1.1 200 OK\r\n"
            b"Server: uvloop-httptools\r\n"
            b"Content-Type: text/plain\r\n"
            b"Content-Length: 13\r\n"
            + self.date_header
            + b"\r\n"
            + PLAINTEXT_BODY
        )
        self.json_head = (
            b"HTTP/1.1 200 OK\r\n"
            b"Server: uvloop-httptools\r\n"
            b"Content-Type: application/json\r\n"
            + self.date_header
            + b"Content-Length: "
        )
        self.not_found = (
            b"HTTP/1.1 404 Not Found\r\n"
            b"Server: uvloop-httptools\r\n"
            b"Content-Type: text/plain\r\n"
            b"Content-Length: 9\r\n"
            + self.date_header
            + b"\r\nNot Found"
        )
        self.bad_request = (
            b"HTTP/1.1 400 Bad Request\r\n"
            b"Server: uvloop-httptools\r\n"
            b"Content-Length: 0\r\n"
            b"Connection: close\r\n"
            + self.date_header
            + b"\r\n"
        )


RESPONSES = Responses()


def json_response(value):
    body = _json_dumps(value).encode()
    return b"".join((RESPONSES.json_head, str(len(body)).encode(), b"\r\n\r\n", body))


class HttpProtocol(asyncio.Protocol):
    __slots__ = ("_transport", "_parser", "_url", "_out", "_close")

    def __init__(self):
        self._transport = None
        self._parser = httptools.HttpRequestParser(self)
        self._url = None
        self._out = []
        self._close = False

    # asyncio.Protocol

    def connection_made(self, transport):
        self._transport = transport

    def connection_lost(self, exc):
        self._transport = None

    def data_received(self, data):
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._out.append(RESPONSES.bad_request)
            self._close = True
        except httptools.HttpParserError:
            self._out.append(RESPONSES.bad_request)
            self._close = True
        out = self._out
        if out:
            transport = self._transport
            if len(out) == 1:
                transport.write(out[0])
            else:
                transport.write(b"".join(out))
            out.clear()
        if self._close:
            self._transport.close()

    # httptools callbacks

    def on_message_begin(self):
        self._url = None

    def on_url(self, url):
        # The URL may arrive in several pieces when a read splits it.
        if self._url is None:
            self._url = url
        else:
            self._url += url

    def on_message_complete(self):
        if self._close:  # after a request that closes the connection: not answered
            return
        url = self._url
        if b"?" in url:
            url = url.split(b"?", 1)[0]
        if self._parser.get_method() != b"GET":
            self._out.append(RESPONSES.not_found)
        elif url == b"/plaintext":
            self._out.append(RESPONSES.plaintext)
        elif url == b"/json":
            self._out.append(json_response(JSON_MESSAGE))
        elif url.startswith(b"/hello/") and len(url) > 7 and b"/" not in url[7:]:
            name = url[7:].decode("utf-8", "replace")
            self._out.append(json_response({"message": "Hello " + name}))
        else:
            self._out.append(RESPONSES.not_found)
        if not self._parser.should_keep_alive():
            self._close = True


def refresh_date(loop):
    RESPONSES.refresh()
    loop.call_later(1.0, refresh_date, loop)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()

    # The socket is bound here rather than by create_server(host, port), whose
    # getaddrinfo would start libuv's thread pool (4 idle threads).
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))

    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(HttpProtocol, sock=sock, backlog=1024))
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)
    loop.call_later(1.0, refresh_date, loop)
    print(f"uvloop-httptools listening on http://{args.host}:{args.port}", flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
