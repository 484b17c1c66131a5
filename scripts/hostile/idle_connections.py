#!/usr/bin/env python3
"""Memory of idle keep-alive connections: opens N connections to a running server, sends
one request on each and reads its answer (so each connection is a served keep-alive
connection, not a fresh one), measures the server's RSS, closes them all, measures again.

    idle_connections.py --pid PID --port PORT [--count 10000] [--hold SECONDS] [--rounds N] [--json]

Prints the RSS before, with the connections open, and after they closed, and the cost per
connection. Exit status 1 when a connection was refused or got no answer."""
import argparse, asyncio, json, resource, sys, time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


async def open_one(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: idle\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head[:40])
    return writer


async def settle(pid, seconds=3.0):
    """The RSS once it stops moving (bounded wait): the server frees memory lazily."""
    deadline = time.monotonic() + seconds
    last = rss_kib(pid)
    while time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        now = rss_kib(pid)
        if abs(now - last) < 64:
            return now
        last = now
    return last


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--path", default="/plaintext")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--hold", type=float, default=0, help="seconds to keep them idle before measuring")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.count + 256)), hard))

    # Warm the server (its loops, caches, allocator arenas) before the baseline.
    warm = await asyncio.gather(*(open_one(args.port, args.path) for _ in range(100)))
    for writer in warm:
        writer.close()
    start = await settle(args.pid)
    results = []
    for round_ in range(args.rounds):
        writers = []
        for batch in range(0, args.count, 500):
            writers += await asyncio.gather(*(open_one(args.port, args.path) for _ in range(min(500, args.count - batch))))
        await asyncio.sleep(args.hold)
        open_rss = await settle(args.pid)
        for writer in writers:
            writer.close()
        await asyncio.gather(*(writer.wait_closed() for writer in writers), return_exceptions=True)
        # The server gives the heap back a moment after many connections closed: wait (at
        # most 10 s) until the RSS is back near the start.
        deadline = time.monotonic() + 10
        closed_rss = rss_kib(args.pid)
        while closed_rss > start * 1.1 and time.monotonic() < deadline:
            await asyncio.sleep(0.25)
            closed_rss = rss_kib(args.pid)
        results.append({
            "round": round_ + 1, "connections": len(writers), "rss_start_kib": start, "rss_open_kib": open_rss,
            "rss_closed_kib": closed_rss, "kib_per_connection": round((open_rss - start) / len(writers), 2),
            "returned_share": round((open_rss - closed_rss) / max(1, open_rss - start), 3),
        })
    if args.json:
        print(json.dumps(results))
    else:
        for r in results:
            print(f"round {r['round']}: {r['connections']} connections: RSS {r['rss_start_kib']} KiB -> {r['rss_open_kib']} KiB open "
                  f"({r['kib_per_connection']} KiB each) -> {r['rss_closed_kib']} KiB closed "
                  f"({100 * r['returned_share']:.0f}% returned)")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except (OSError, RuntimeError, asyncio.IncompleteReadError) as error:
        print(f"idle_connections: {error}", file=sys.stderr)
        sys.exit(1)
