#!/usr/bin/env bash
# WebSocket echo: Pronto (hello's /ws/echo) against Hummingbird 2 + hummingbird-websocket and
# Python `websockets` (on uvloop), each server on one core (CPU 0, one event-loop thread),
# `pronto-bench echo --websocket` on CPU 1: CONNECTIONS connections, one text message in
# flight each. Runs the servers ROUNDS times, interleaved, and prints messages/s and the
# server's CPU time per message.
#
#   Benchmarks/WebSocket/echo.sh                  (builds what it needs in release)
#   DURATION=10 ROUNDS=3 SIZES="16,4k" Benchmarks/WebSocket/echo.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-2}
SIZES=${SIZES:-"16,4k"}
CONNECTIONS=${CONNECTIONS:-100}
SERVERS=${SERVERS:-"pronto hummingbird-websocket websockets"}

if [ "${BUILD:-1}" = 1 ]; then
    nice -n 10 swift build -c release --product hello
    nice -n 10 swift build -c release --product pronto-bench
    nice -n 10 swift build -c release --package-path Benchmarks/Peers --product hummingbird-websocket
    python3 -c "import websockets.asyncio.server, uvloop" 2>/dev/null \
        || python3 -m pip install -q --disable-pip-version-check "websockets>=14" uvloop
fi
BENCH=.build/release/pronto-bench
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 400); do python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0; sleep 0.05; done
    echo "port $1 not up" >&2; exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true' EXIT

start_server() {
    local port=$1
    case $2 in
        pronto) taskset -c 0 .build/release/hello --host 127.0.0.1 --port "$port" --threads 1 --log-level error >/dev/null 2>&1 & ;;
        hummingbird-websocket) taskset -c 0 Benchmarks/Peers/.build/release/hummingbird-websocket --port "$port" --threads 1 >/dev/null 2>&1 & ;;
        websockets) taskset -c 0 python3 Benchmarks/Peers/Python/websockets_echo_server.py --port "$port" >/dev/null 2>&1 & ;;
    esac
    SERVER_PID=$!
    wait_port "$port"
}

echo "| round | server | size | messages/s | server CPU µs/message |"
echo "| ---: | --- | --- | ---: | ---: |"
for round in $(seq "$ROUNDS"); do
    for server in $SERVERS; do
        for size in ${SIZES//,/ }; do
            port=$(free_port)
            start_server "$port" "$server"
            # Warm-up, then the measured run.
            taskset -c 1 "$BENCH" echo --port "$port" --websocket /ws/echo -s "$size" --concurrency "$CONNECTIONS" -d 2s >/dev/null
            before=$(cpu_ticks "$SERVER_PID")
            out=$(taskset -c 1 "$BENCH" echo --port "$port" --websocket /ws/echo -s "$size" --concurrency "$CONNECTIONS" -d "${DURATION}s" --json)
            after=$(cpu_ticks "$SERVER_PID")
            kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
            python3 - "$out" "$before" "$after" "$TICK" "$round" "$server" "$size" <<'PY'
import json, sys
report = json.loads(sys.argv[1]); before, after, tick = map(int, sys.argv[2:5])
r = report["results"][0]
cpu_us = (after - before) / tick * 1e6 / max(r["messages"], 1)
print(f"| {sys.argv[5]} | {sys.argv[6]} | {sys.argv[7]} | {r['messagesPerSecond']:,.0f} | {cpu_us:.2f} |" + (f" errors {r['errors']}" if r["errors"] else ""))
PY
        done
    done
done
