#!/usr/bin/env python3
"""TCP echo server of the uvloop article's benchmark (a peer of `pronto-bench echo`).

After the servers of MagicStack's vmbench (`echo_server.py`) that the uvloop article
measured, in two of its styles and on either event loop:

  --mode protocol   an `asyncio.Protocol` whose `data_received` writes every chunk back
                    with `transport.write` (reading paused while the transport's write
                    buffer is over its high-water mark, resumed when it drains);
  --mode streams    `asyncio.start_server`: a coroutine per connection that loops on
                    `reader.read()` and `writer.write()` + `await writer.drain()`
                    (vmbench's loop does not drain: with one message in flight per
                    connection, as `pronto-bench echo` sends, `drain()` returns at once);

  --loop uvloop     uvloop's event loop (libuv);
  --loop asyncio    the standard library's loop (selector, epoll).

TCP_NODELAY is set on every accepted socket. One process, one event loop, one thread.

    python uvloop_echo.py --host 127.0.0.1 --port 25000 --mode protocol --loop uvloop
"""

import argparse
import asyncio
import signal
import socket
import sys

# The most one read hands to the streams loop (StreamReader.read(n) returns what is
# buffered, up to n bytes; the reader's own buffer stops reading at 2 x 64 KiB).
READ_SIZE = 256 * 1024


def set_nodelay(transport):
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class EchoProtocol(asyncio.Protocol):
    __slots__ = ("transport",)

    def connection_made(self, transport):
        self.transport = transport
        set_nodelay(transport)

    def data_received(self, data):
        self.transport.write(data)

    # Flow control: a client that does not read cannot grow our buffer without bound.
    def pause_writing(self):
        self.transport.pause_reading()

    def resume_writing(self):
        self.transport.resume_reading()

    def connection_lost(self, exc):
        self.transport = None


async def echo_streams(reader, writer):
    set_nodelay(writer.transport)
    try:
        while True:
            data = await reader.read(READ_SIZE)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def serve(args):
    loop = asyncio.get_running_loop()
    if args.mode == "protocol":
        server = await loop.create_server(
            EchoProtocol, args.host, args.port, reuse_address=True, backlog=1024
        )
    else:
        server = await asyncio.start_server(
            echo_streams, args.host, args.port, reuse_address=True, backlog=1024
        )
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    port = server.sockets[0].getsockname()[1]
    print(f"echo server ({args.mode}, {args.loop}) listening on {args.host}:{port}", flush=True)
    await stop.wait()
    server.close()
    try:  # on 3.12+ this also waits for open connections: bounded
        await asyncio.wait_for(server.wait_closed(), 1)
    except asyncio.TimeoutError:
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=25000)
    parser.add_argument("--mode", choices=("protocol", "streams"), default="protocol")
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    args = parser.parse_args()

    if args.loop == "uvloop":
        try:
            import uvloop
        except ImportError:
            sys.exit("uvloop is not installed (Benchmarks/Peers/Python/setup.sh makes a venv with it)")
        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(serve(args))
    finally:
        loop.close()


if __name__ == "__main__":
    main()
