#!/usr/bin/env bash
# Worker processes or event-loop threads, on the whole machine: `hello --workers N --threads 1`
# against `hello --threads N` (N = the cores), plaintext and json, wrk -t1 -c100 with latency.
# Neither server is pinned (each uses every core, the load too); the two alternate ROUNDS times,
# so a drift of the machine touches both. Prints one line per run and the medians.
#
#   Benchmarks/workers-vs-threads.sh            # needs .build/release/hello and wrk
#   ROUNDS=3 DURATION=10 Benchmarks/workers-vs-threads.sh
set -euo pipefail
cd "$(dirname "$0")/.."

HELLO=${HELLO:-.build/release/hello}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CORES=$(nproc)
PORT=${PORT:-18090}
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT

wait_for_port() {
    for _ in $(seq 1 200); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/plaintext" && return 0
        sleep 0.05
    done
    echo "the server did not answer on port $PORT" >&2
    return 1
}

run() {  # label, hello arguments...
    local label=$1
    shift
    "$HELLO" --port "$PORT" --log-level warning "$@" &
    local pid=$!
    wait_for_port
    for path in plaintext json; do
        wrk -t1 -c100 -d2s "http://127.0.0.1:$PORT/$path" >/dev/null  # warm-up
        local out
        out=$(wrk -t1 -c100 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/$path")
        local rate p99 errors
        rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
        p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
        errors=$(grep -c "Socket errors" <<<"$out" || true)
        echo "$label $path $rate $p99 socket-error-lines=$errors"
        echo "$label $path $rate $p99" >>"$RESULTS"
    done
    kill -TERM "$pid"
    wait "$pid" || true
}

for round in $(seq 1 "$ROUNDS"); do
    echo "== round $round"
    run "workers" --workers "$CORES" --threads 1
    run "threads" --threads "$CORES"
done

echo "== medians (req/s, p99)"
python3 - "$RESULTS" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def ms(text):
    value = float(text.rstrip("msu"))
    return value / 1000 if text.endswith("us") else value * 1000 if text.endswith("s") and not text.endswith("ms") else value
for path in ("plaintext", "json"):
    figures = {}
    for label in ("workers", "threads"):
        runs = [r for r in rows if r[0] == label and r[1] == path]
        figures[label] = (statistics.median(float(r[2]) for r in runs), statistics.median(ms(r[3]) for r in runs))
    w, t = figures["workers"], figures["threads"]
    print(f"{path}: workers {w[0]:,.0f} req/s p99 {w[1]:.2f} ms; threads {t[0]:,.0f} req/s p99 {t[1]:.2f} ms; workers/threads {w[0] / t[0]:.2f}")
EOF
