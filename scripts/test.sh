#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh machine:
#   1. installs what the tests need when missing (curl and zlib's headers, for ProntoCompression,
#      from Debian; requests, h11, httplint, websockets, prometheus-client from PyPI),
#   2. builds and runs every Swift test (wire format, engine in-process and over sockets),
#      then each libFuzzer target of Fuzz/ for 12 s (scripts/fuzz.sh --short),
#   3. runs real clients (curl, Python requests, h11) and httplint against the hello example,
#      HTTP/2 and TLS clients (curl --http2 and --http2-prior-knowledge, httpx[http2], h2load)
#      against it with a throwaway certificate made by openssl (scripts/http2-clients.py),
#      curl, requests and headless Chromium (installed with apt-get when missing) against its
#      streaming routes, static files and server-sent events page (scripts/streaming-clients.py),
#      WebSocket conformance cases after Autobahn's sections 1-7, 9 and 12 with raw frames and
#      the `websockets` client (scripts/websocket-conformance.py),
#      the hostile-client suite's short form against the release build (scripts/hostile.py:
#      slowhttptest, wrk, 2,000 idle connections, SIGTERM under load, EMFILE, smuggling shapes),
#      the supervisor with real processes and signals under wrk (scripts/supervisor.py),
#      and counts heap allocations per request in the release build (scripts/alloc-check.py),
#   4. tests the World example against SQLite and against a throwaway PostgreSQL (installed
#      with apt-get when missing, started on port 15433, stopped at exit), then starts it
#      with no database configured and checks its six endpoints,
#   5. builds every library's DocC documentation with no warnings (scripts/docs.sh),
#   6. tests the OpenAPI example (generated code committed) and starts it with `swift run`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v curl >/dev/null; then
    echo "==> installing curl"
    apt-get update -qq && apt-get install -y -qq curl
fi
if ! command -v openssl >/dev/null; then
    echo "==> installing openssl (the TLS tests make throwaway certificates with it)"
    apt-get update -qq && apt-get install -y -qq openssl
fi
if ! dpkg -s zlib1g-dev >/dev/null 2>&1; then
    echo "==> installing zlib1g-dev (ProntoCompression links the system zlib through compress-nio)"
    apt-get update -qq && apt-get install -y -qq zlib1g-dev
fi
if ! python3 -c "import requests, h11, httplint, websockets.asyncio.client, prometheus_client" 2>/dev/null; then
    echo "==> installing Python test clients"
    python3 -m pip install -q --disable-pip-version-check requests h11 httplint "websockets>=14" prometheus-client
fi

echo "==> swift test"
swift build --build-tests
swift test --skip-build

echo "==> documentation: every public declaration has a doc comment; every library's DocC catalog builds, warnings as errors"
python3 scripts/undocumented.py
scripts/docs.sh

echo "==> fuzzing, short: each libFuzzer target of Fuzz/ for 12 s (scripts/fuzz.sh runs them long)"
scripts/fuzz.sh --short

echo "==> real clients against hello"
swift build --product hello
python3 scripts/client-compat.py "$(swift build --show-bin-path)/hello"

echo "==> HTTP/2 and TLS with real clients: curl --http2 and --http2-prior-knowledge, httpx[http2], h2load, SIGHUP reload"
if ! command -v h2load >/dev/null; then
    echo "==> installing h2load (nghttp2-client)"
    apt-get update -qq && apt-get install -y -qq nghttp2-client
fi
if ! python3 -c "import httpx, h2" 2>/dev/null; then
    python3 -m pip install -q --disable-pip-version-check "httpx[http2]"
fi
python3 scripts/http2-clients.py "$(swift build --show-bin-path)/hello"

echo "==> streaming with real clients: curl, requests, and the SSE page in headless Chromium"
if ! command -v chromium >/dev/null; then
    echo "==> installing chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
python3 scripts/streaming-clients.py "$(swift build --show-bin-path)/hello" --browser

echo "==> WebSocket conformance (Autobahn's cases, raw frames and the websockets client)"
python3 scripts/websocket-conformance.py "$(swift build --show-bin-path)/hello"

echo "==> hostile clients: slowloris, slow body and read, idle connections, SIGTERM under load, EMFILE, floods, smuggling"
if ! command -v wrk >/dev/null || ! command -v slowhttptest >/dev/null; then
    echo "==> installing wrk and slowhttptest"
    apt-get update -qq && apt-get install -y -qq wrk slowhttptest
fi
swift build -c release --product hello
python3 scripts/hostile.py "$(swift build -c release --show-bin-path)/hello" --short

echo "==> supervisor: hello --workers against kill -9, SIGHUP, SIGUSR2 (binary upgrade), SIGTERM, failing starts, LISTEN_FDS"
python3 scripts/supervisor.py "$(swift build -c release --show-bin-path)/hello"

echo "==> allocation regression check (release hello, LD_PRELOAD malloc counter)"
if ! command -v gcc >/dev/null; then
    apt-get update -qq && apt-get install -y -qq gcc
fi
swift build -c release --product hello
mkdir -p .build/alloc-check
gcc -O2 -shared -fPIC -o .build/alloc-check/libmalloccount.so Benchmarks/MallocCounter/malloccount.c
python3 scripts/alloc-check.py "$(swift build -c release --show-bin-path)/hello" .build/alloc-check/libmalloccount.so

echo "==> World example: tests against SQLite and PostgreSQL"
WORLD=Examples/World
PG_DIR="$WORLD/.postgres-test"
PG_PORT=15433
trap '"$WORLD/scripts/postgres.sh" stop --dir "$PG_DIR" || true' EXIT
WORLD_TEST_DATABASE_URL=$("$WORLD/scripts/postgres.sh" reset --dir "$PG_DIR" --port "$PG_PORT" | tail -n 1 | sed 's/^DATABASE_URL=//')
export WORLD_TEST_DATABASE_URL
swift build --build-tests --package-path "$WORLD"
swift test --skip-build --package-path "$WORLD"

echo "==> World example: swift run with the embedded SQLite default"
swift build --package-path "$WORLD" --product world
python3 scripts/world-smoke.py "$(swift build --package-path "$WORLD" --show-bin-path)/world"

echo "==> OpenAPI example: tests, then swift run in its folder"
OPENAPI=Examples/OpenAPI
swift build --build-tests --package-path "$OPENAPI"
swift test --skip-build --package-path "$OPENAPI"
python3 scripts/openapi-smoke.py "$OPENAPI"
