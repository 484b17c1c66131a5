#!/usr/bin/env python3
"""aiohttp + asyncpg: the World example's Python benchmark peer.

API-Hour's stack (aiohttp on uvloop, asyncpg, Jinja2) serving TechEmpower's
six tests:

    GET /plaintext            Hello, World!
    GET /json                 {"message":"Hello, World!"}
    GET /db                   one random World row
    GET /queries?queries=N    N random World rows, one query each
    GET /updates?queries=N    N random World rows, read one by one, written
                              back with new random numbers in one statement
    GET /fortunes             the Fortune table as an HTML page

One process, one event loop: it uses one core, as a single Pronto event loop
does. The database is DATABASE_URL, e.g. the one printed by
Examples/World/scripts/postgres.sh start.

    python3 -m pip install -q -r requirements.txt
    DATABASE_URL=postgres://... python3 app.py --port 8080
    DATABASE_URL=postgres://... python3 app.py --unix-socket /tmp/app.sock
"""

import argparse
import asyncio
import json
import os
import random
import signal
import stat
import sys

import asyncpg
import jinja2
import uvloop
from aiohttp import web

# World ids and random numbers are both in 1...10000.
WORLD_ROWS = 10000
# TechEmpower's bounds for the queries parameter.
MAX_QUERIES = 500

# asyncpg prepares each distinct query text once per connection and caches the
# prepared statement, so conn.fetchrow(READ_ROW, id) is a Bind/Execute round
# trip on a named prepared statement, with no Parse after the first use.
READ_ROW = "SELECT id, randomnumber FROM world WHERE id = $1"
# All the updates of a request in one statement: two arrays of equal length,
# zipped by unnest() into (id, r) rows joined to world.
WRITE_ROWS = (
    "UPDATE world SET randomnumber = v.r "
    "FROM (SELECT unnest($1::int[]) AS id, unnest($2::int[]) AS r) AS v "
    "WHERE world.id = v.id"
)
READ_FORTUNES = "SELECT id, message FROM fortune"

ADDITIONAL_FORTUNE = "Additional fortune added at request time."

# TechEmpower's page, byte for byte: no whitespace between the tags. Jinja2
# escapes every {{ }} (autoescape), which is what fortune 11 checks.
FORTUNES_TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    "<!DOCTYPE html><html><head><title>Fortunes</title></head><body>"
    "<table><tr><th>id</th><th>message</th></tr>"
    "{% for id, message in fortunes %}"
    "<tr><td>{{ id }}</td><td>{{ message }}</td></tr>"
    "{% endfor %}"
    "</table></body></html>"
)

PLAINTEXT = b"Hello, World!"

# The request's asyncpg pool, kept on the application.
POOL = web.AppKey("pool", asyncpg.Pool)


def dumps(value):
    """Compact JSON, as TechEmpower's expected bodies are written."""
    return json.dumps(value, separators=(",", ":")).encode()


def json_response(value):
    return web.Response(body=dumps(value), content_type="application/json")


def random_id():
    return random.randint(1, WORLD_ROWS)


def queries_count(request):
    """The queries parameter clamped to 1...500; missing or not an integer is 1."""
    try:
        count = int(request.query.get("queries", "1"))
    except ValueError:
        return 1
    return min(max(count, 1), MAX_QUERIES)


async def plaintext(request):
    return web.Response(body=PLAINTEXT, content_type="text/plain")


async def json_hello(request):
    # Serialized per request, as the rules require (no cached body).
    return json_response({"message": "Hello, World!"})


async def single_query(request):
    async with request.app[POOL].acquire() as conn:
        row = await conn.fetchrow(READ_ROW, random_id())
    return json_response({"id": row[0], "randomNumber": row[1]})


async def multiple_queries(request):
    count = queries_count(request)
    worlds = []
    async with request.app[POOL].acquire() as conn:
        # One query per row, as the rules require (no WHERE id IN (...)).
        for _ in range(count):
            row = await conn.fetchrow(READ_ROW, random_id())
            worlds.append({"id": row[0], "randomNumber": row[1]})
    return json_response(worlds)


async def updates(request):
    count = queries_count(request)
    # Distinct ids: each row then gets exactly one new number, and the
    # response is what the table holds (with a repeated id, the batched
    # UPDATE would keep only one of its new numbers).
    ids = random.sample(range(1, WORLD_ROWS + 1), count)
    worlds = []
    async with request.app[POOL].acquire() as conn:
        for world_id in ids:
            row = await conn.fetchrow(READ_ROW, world_id)
            worlds.append({"id": row[0], "randomNumber": random_id()})
        # Rows locked in id order by every request: concurrent batches cannot
        # deadlock on each other.
        ordered = sorted(worlds, key=lambda world: world["id"])
        await conn.execute(
            WRITE_ROWS,
            [world["id"] for world in ordered],
            [world["randomNumber"] for world in ordered],
        )
    return json_response(worlds)


async def fortunes(request):
    async with request.app[POOL].acquire() as conn:
        rows = await conn.fetch(READ_FORTUNES)
    items = [(row[0], row[1]) for row in rows]
    items.append((0, ADDITIONAL_FORTUNE))
    items.sort(key=lambda item: item[1])
    html = FORTUNES_TEMPLATE.render(fortunes=items)
    return web.Response(text=html, content_type="text/html", charset="utf-8")


def make_app():
    app = web.Application()
    app.router.add_get("/plaintext", plaintext)
    app.router.add_get("/json", json_hello)
    app.router.add_get("/db", single_query)
    app.router.add_get("/queries", multiple_queries)
    app.router.add_get("/updates", updates)
    app.router.add_get("/fortunes", fortunes)
    return app


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="TCP port (default 8080)")
    parser.add_argument("--unix-socket", metavar="PATH", help="listen on this UNIX socket instead of TCP")
    parser.add_argument(
        "--pool-size",
        type=int,
        default=int(os.environ.get("POOL_SIZE", "16")),
        help="database connections, opened at start (default $POOL_SIZE or 16)",
    )
    args = parser.parse_args(argv)
    if args.pool_size < 1:
        parser.error("--pool-size must be at least 1")
    return args


def remove_stale_socket(path):
    """Removes a socket file left by an earlier run; anything else stays."""
    try:
        if stat.S_ISSOCK(os.stat(path).st_mode):
            os.unlink(path)
    except FileNotFoundError:
        pass


async def serve(args, database_url):
    # min_size == max_size: every connection is opened (and fails) at start,
    # not during the first benchmark requests.
    pool = await asyncpg.create_pool(database_url, min_size=args.pool_size, max_size=args.pool_size)
    app = make_app()
    app[POOL] = pool
    # No access log: it would cost more than some of the handlers.
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=5)
    await runner.setup()
    if args.unix_socket:
        remove_stale_socket(args.unix_socket)
        site = web.UnixSite(runner, args.unix_socket)
        where = f"unix:{args.unix_socket}"
    else:
        site = web.TCPSite(runner, args.host, args.port, backlog=4096)
        where = f"http://{args.host}:{args.port}"
    await site.start()
    print(f"aiohttp peer listening on {where} (pool of {args.pool_size})", file=sys.stderr, flush=True)

    # Run until SIGTERM or SIGINT, then close the listener and the open
    # connections (waiting up to shutdown_timeout for running handlers), then
    # the pool.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    print("aiohttp peer stopping", file=sys.stderr, flush=True)
    await runner.cleanup()
    try:
        await asyncio.wait_for(pool.close(), timeout=5)
    except asyncio.TimeoutError:
        pool.terminate()
    if args.unix_socket:
        remove_stale_socket(args.unix_socket)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        sys.exit("app.py: DATABASE_URL is not set (see Examples/World/scripts/postgres.sh)")
    uvloop.run(serve(args, database_url))


if __name__ == "__main__":
    main()
