#!/usr/bin/env bash
# The World benchmarks: Pronto against Hummingbird 2 + PostgresNIO and aiohttp + asyncpg
# on TechEmpower's database tests, and Pronto behind nginx against Pronto alone.
#
#   Examples/World/Benchmarks/run.sh [pronto-bench suite options...]
#   e.g. run.sh --servers pronto,hummingbird --scenarios db,fortunes --duration-scale 0.5
#
# It starts a throwaway PostgreSQL (scripts/postgres.sh, port 15434) pinned to CPU 1,
# beside the load generator, resets TechEmpower's data, and runs `pronto-bench suite`
# with suite.json: each server pinned to CPU 0 and run alone. PostgreSQL is stopped at
# exit. Results go to Examples/World/Benchmarks/results/ (results.md, results.json, SVGs).
# DB_SOCKET=1 connects every server to PostgreSQL over its UNIX socket instead of TCP.
set -euo pipefail
cd "$(dirname "$0")/../../.."

WORLD=Examples/World
PG_DIR="$WORLD/.postgres-bench"
PG_PORT=15434

command -v taskset >/dev/null || { echo "run.sh: taskset (util-linux) is required" >&2; exit 1; }
trap '"$WORLD/scripts/postgres.sh" stop --dir "$PG_DIR" || true' EXIT
# Restarted so the server processes inherit the CPU 1 affinity.
"$WORLD/scripts/postgres.sh" stop --dir "$PG_DIR" >/dev/null 2>&1 || true
taskset -c 1 "$WORLD/scripts/postgres.sh" start --dir "$PG_DIR" --port "$PG_PORT" >/dev/null
DATABASE_URL=$("$WORLD/scripts/postgres.sh" reset --dir "$PG_DIR" --port "$PG_PORT" | tail -n 1 | sed 's/^DATABASE_URL=//')
if [[ "${DB_SOCKET:-0}" == 1 ]]; then
    DATABASE_URL="postgres://benchmarkdbuser:benchmarkdbpass@/hello_world?host=$(cd "$PG_DIR" && pwd)&port=$PG_PORT"
fi
export DATABASE_URL

nice -n 10 swift build -c release --product pronto-bench
.build/release/pronto-bench suite --config "$WORLD/Benchmarks/suite.json" --out "$WORLD/Benchmarks/results" "$@"
