#!/bin/bash
# The OpenAPI example's generated GET /greet/{name}?style=excited on Pronto (ProntoOpenAPI)
# and on Hummingbird 2 (swift-openapi-hummingbird), the same handlers, alternated: each
# server on CPU 0 with one event-loop thread, wrk on CPU 1, plain and pipelined x16.
# Prints req/s and the server's CPU microseconds per request (busy core time / requests).
#   Benchmarks/openapi-vs-hummingbird.sh [ROUNDS] [SECONDS]        (default 2 rounds of 6 s)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}; DURATION=${2:-6}
swift build -c release --package-path Examples/OpenAPI --product greetings >/dev/null
swift build -c release --package-path Benchmarks/Peers --product openapi-hummingbird >/dev/null
PRONTO="$(swift build -c release --package-path Examples/OpenAPI --show-bin-path)/greetings"
HUMMINGBIRD="$(swift build -c release --package-path Benchmarks/Peers --show-bin-path)/openapi-hummingbird"
PATH_UNDER_TEST="/greet/ada?style=excited"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

measure() {  # name mode command...
    local name=$1 mode=$2; shift 2
    local port; port=$(free_port)
    LOG_LEVEL=warning THREADS=1 taskset -c 0 "$@" "$port" 1 >/dev/null 2>&1 &
    local pid=$!
    for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port$PATH_UNDER_TEST" && break; sleep 0.1; done
    local before after out rps
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    if [ "$mode" = pipelined ]; then
        out=$(taskset -c 1 wrk -t1 -c100 -d"${DURATION}s" -s Benchmarks/wrk/pipeline.lua "http://127.0.0.1:$port$PATH_UNDER_TEST" -- 16 2>&1)
    else
        out=$(taskset -c 1 wrk -t1 -c100 -d"${DURATION}s" "http://127.0.0.1:$port$PATH_UNDER_TEST" 2>&1)
    fi
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    python3 -c "import sys; t=($after-$before)/100; r=float('$rps'); print(f'$name $mode: {r:,.0f} req/s, {t/($DURATION*r)*1e6:.2f} CPU us/req (core {t/$DURATION*100:.0f}% busy)')"
}

for round in $(seq 1 "$ROUNDS"); do
    echo "round $round"
    for mode in plain pipelined; do
        measure pronto "$mode" "$PRONTO"
        measure hummingbird "$mode" "$HUMMINGBIRD"
    done
done
