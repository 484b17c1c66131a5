#!/usr/bin/env python3
"""The Python `websockets` peer for Pronto's WebSocket benchmark: echoes every message
(any path), on uvloop when it is installed, one process, no compression (as Pronto).

    websockets_echo_server.py [--host 127.0.0.1] [--port 8080]
"""
import argparse
import asyncio

from websockets.asyncio.server import serve


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def main(host, port):
    async with serve(echo, host, port, max_size=1 << 20, compression=None, ping_interval=None) as server:
        print(f"websockets listening on {host}:{port}", flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    arguments = parser.parse_args()
    try:
        import uvloop
        uvloop.run(main(arguments.host, arguments.port))
    except ImportError:
        asyncio.run(main(arguments.host, arguments.port))
