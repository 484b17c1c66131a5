#!/usr/bin/env bash
# The cost of each extension: hello's /plaintext and /hello/{name} handlers behind each
# built-in middleware alone, and all together (Examples/hello/ExtensionRoutes.swift), priced
# in server CPU µs per request against the same routes behind none. One hello (one thread)
# on CPU 0, wrk on CPU 1, as Benchmarks/run.sh. See README.md, "The cost of each extension".
#
#   Benchmarks/extensions.sh
#   DURATION=2 Benchmarks/extensions.sh                      # a short functional run
#   DURATION=10 ROUNDS=3 PIPELINE=16 Benchmarks/extensions.sh
#
# Environment (all optional):
#   DURATION=10        seconds of each measured wrk run (one per extension and route)
#   WARMUP=1           seconds of wrk warm-up before each measured run
#   ROUNDS=1           times the whole sequence runs; each cell is the run of median µs/req
#   EXTENSIONS="none access-log cors cors+origin request-id error compression compression+gzip
#               compression-min0+gzip metrics metrics-all tracing tracing-noop all all+origin+gzip"
#                      the groups of ExtensionRoutes; "+origin" sends Origin: https://example.com
#                      (CORS then answers), "+gzip" sends Accept-Encoding: gzip
#   CONNECTIONS=100    wrk -c
#   PIPELINE=0         requests per write (Benchmarks/wrk/pipeline.lua); 0: no pipelining.
#                      Pipelined results go to extensions-pipelined-latest.{md,json}
#   HISTORY=auto       appending to the history: auto appends runs of DURATION >= 5 (shorter
#                      ones are trial runs), 1 always appends, 0 never does
#   HISTORY_FILE=Benchmarks/results/history.jsonl   one line per extension and route (source
#                      "extensions.sh", scenario ext-NAME-ROUTE[-pipelined]; README.md,
#                      "Performance across commits")
#   SERVER_CPU=0 CLIENT_CPU=1   CPUs for taskset
#   BUILD=1            0 skips the build (.build/release/hello must exist)
#   BUILD_NICE=10      nice level for the build
#   RESULTS_DIR=Benchmarks/results
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$BENCH_DIR")

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-1}
ROUNDS=${ROUNDS:-1}
EXTENSIONS=${EXTENSIONS:-"none access-log cors cors+origin request-id error compression compression+gzip compression-min0+gzip metrics metrics-all tracing tracing-noop all all+origin+gzip"}
CONNECTIONS=${CONNECTIONS:-100}
PIPELINE=${PIPELINE:-0}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
BUILD=${BUILD:-1}
BUILD_NICE=${BUILD_NICE:-10}
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}
EXTENSIONS=${EXTENSIONS//,/ }
ROUTES="plaintext hello"
ORIGIN="https://example.com" # the origin ExtensionRoutes' CORS middleware allows

log() { printf '[extensions %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

for v in DURATION WARMUP ROUNDS CONNECTIONS PIPELINE; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer (got '${!v}')"
done
[[ $DURATION -ge 1 && $ROUNDS -ge 1 ]] || die "DURATION and ROUNDS must be >= 1"
HISTORY=${HISTORY:-auto}
HISTORY_FILE=${HISTORY_FILE:-$BENCH_DIR/results/history.jsonl}
case $HISTORY in auto|0|1) ;; *) die "HISTORY must be auto, 0 or 1 (got '$HISTORY')";; esac
[[ $HISTORY == auto ]] && HISTORY=$([[ $DURATION -ge 5 ]] && echo 1 || echo 0)
for tool in wrk taskset curl python3 getconf; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (Debian: apt-get install -y wrk util-linux curl python3)"
done
[[ $(nproc --all) -gt $SERVER_CPU && $(nproc --all) -gt $CLIENT_CPU ]] || die "need CPUs $SERVER_CPU and $CLIENT_CPU"
for ext in $EXTENSIONS; do
    [[ $ext =~ ^[a-z0-9-]+(\+(origin|gzip))*$ ]] || die "bad extension '$ext' (a group name, then +origin and/or +gzip)"
done
[[ " $EXTENSIONS " == *" none "* ]] || die "EXTENSIONS must include none: the others are priced against it"

WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pronto-extensions.XXXXXX")
SERVER_PID=""
WRK_PID=""
cleanup() {
    local status=$?
    if [[ -n $WRK_PID ]]; then kill -TERM "$WRK_PID" 2>/dev/null || true; wait "$WRK_PID" 2>/dev/null || true; fi
    stop_server
    rm -rf "$WORK_DIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg) # before our build
# What is built, as run.sh records it: the commit, and whether the tree differed from it
# (`git status --porcelain`, Benchmarks/results aside).
GIT_REV=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo none)
DIRTY=$(tree_is_dirty "$REPO_ROOT")
if awk -v l="${LOADAVG%% *}" 'BEGIN { exit !(l > 0.5) }'; then
    log "WARNING: load average is $LOADAVG: something else is running, figures will be noisy"
fi

# ------------------------------------------------------------------ build ----
if [[ $BUILD == 1 ]]; then
    log "building hello (swift build -c release --product hello)"
    if ! (cd "$REPO_ROOT" && nice -n "$BUILD_NICE" swift build -c release --product hello) >"$WORK_DIR/build.log" 2>&1; then
        tail -n 30 "$WORK_DIR/build.log" >&2
        die "swift build -c release --product hello failed (last lines above)"
    fi
fi
HELLO="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/hello"
[[ -x $HELLO ]] || die "hello not found at $HELLO (run with BUILD=1)"

# ----------------------------------------------------------------- server ----
PORT=""
for attempt in 1 2 3; do
    PORT=$(pick_port)
    # No --metrics or --tracing: no app-wide middleware around the groups. Standard output
    # (the extensions' access-log and span lines) goes to /dev/null.
    taskset -c "$SERVER_CPU" "$HELLO" --host 127.0.0.1 --port "$PORT" --threads 1 --log-level warning \
        >/dev/null 2>"$WORK_DIR/hello.log" &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/plaintext" && break 2
        sleep 0.1
    done
    kill -0 "$SERVER_PID" 2>/dev/null && die "hello did not answer on port $PORT within 30 s"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    log "hello exited during startup (attempt $attempt):"; tail -n 10 "$WORK_DIR/hello.log" >&2
done
[[ -n $SERVER_PID ]] || die "hello failed to start"
BASE="http://127.0.0.1:$PORT"
log "hello listening on $BASE (pid $SERVER_PID)"

# Each group answers the bare route's body, with its extension at work (the full checks
# are scripts/client-compat.py's): a run cannot price a group that lost its middleware.
route_path() { [[ $2 == hello ]] && echo "/ext/$1/hello/world" || echo "/ext/$1/plaintext"; }
headers_of() { # extension -> one curl/wrk header argument per line
    [[ $1 == *+origin* ]] && printf '%s\n' -H "Origin: $ORIGIN"
    [[ $1 == *+gzip* ]] && printf '%s\n' -H "Accept-Encoding: gzip"
    return 0
}
[[ $(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$BASE/metrics") == 404 ]] || die "hello serves /metrics: app-wide middleware would wrap the groups"
expected_plaintext=$(curl -s --max-time 5 "$BASE/plaintext")
expected_hello=$(curl -s --max-time 5 "$BASE/hello/world")
for ext in $EXTENSIONS; do
    group=${ext%%+*}
    mapfile -t hdr < <(headers_of "$ext")
    for route in $ROUTES; do
        path=$(route_path "$group" "$route")
        decode=(); [[ $ext == *+gzip* ]] && decode=(--compressed)
        body=$(curl -s --max-time 5 "${decode[@]}" "${hdr[@]}" -D "$WORK_DIR/head" "$BASE$path")
        expected=$([[ $route == hello ]] && echo "$expected_hello" || echo "$expected_plaintext")
        [[ $body == "$expected" ]] || die "GET $path answered '${body:0:80}', expected '$expected' (is the group in ExtensionRoutes?)"
        head=$(tr -d '\r' <"$WORK_DIR/head" | tr 'A-Z' 'a-z')
        case $ext in
            request-id*|all*) [[ $head == *"x-request-id: "* ]] || die "$path: no X-Request-ID" ;;&
            cors+origin*|all+origin*) [[ $head == *"access-control-allow-origin: $ORIGIN"* ]] || die "$path: no Access-Control-Allow-Origin" ;;&
            compression*|all*) [[ $head == *"vary: accept-encoding"* ]] || die "$path: no Vary: Accept-Encoding" ;;&
            compression-min0+gzip) [[ $head == *"content-encoding: gzip"* ]] || die "$path: not gzipped" ;;
        esac
    done
done

wrk_field() { grep '^WRK_RESULT ' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }

run_wrk() { # extension route seconds outfile
    local url hdr=()
    url="$BASE$(route_path "${1%%+*}" "$2")"
    mapfile -t hdr < <(headers_of "$1")
    if [[ $PIPELINE -gt 0 ]]; then
        taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${3}s" "${hdr[@]}" -s "$BENCH_DIR/wrk/pipeline.lua" "$url" -- "$PIPELINE" >"$4" 2>&1 &
    else
        taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${3}s" "${hdr[@]}" -s "$BENCH_DIR/wrk/report.lua" "$url" >"$4" 2>&1 &
    fi
    WRK_PID=$!
    wait "$WRK_PID" || true
    WRK_PID=""
    grep -q '^WRK_RESULT ' "$4" || { cat "$4" >&2; die "wrk produced no result for $1 $2"; }
}

# ---------------------------------------------------------------- measure ----
TIMESTAMP=$(date -u +%Y-%m-%dT%H:%M:%SZ)
log "extensions: $EXTENSIONS; DURATION=${DURATION}s WARMUP=${WARMUP}s ROUNDS=$ROUNDS c=$CONNECTIONS pipeline=$PIPELINE"
TSV="$WORK_DIR/results.tsv"
: >"$TSV"
for round in $(seq 1 "$ROUNDS"); do
    for ext in $EXTENSIONS; do
        for route in $ROUTES; do
            [[ $WARMUP -gt 0 ]] && run_wrk "$ext" "$route" "$WARMUP" "$WORK_DIR/warmup.out"
            t0=$(cpu_ticks "$SERVER_PID")
            run_wrk "$ext" "$route" "$DURATION" "$WORK_DIR/run.out"
            t1=$(cpu_ticks "$SERVER_PID")
            kill -0 "$SERVER_PID" 2>/dev/null || die "hello died during $ext $route"
            f="$WORK_DIR/run.out"
            errors=$(($(wrk_field "$f" connect) + $(wrk_field "$f" read) + $(wrk_field "$f" write) + $(wrk_field "$f" timeout) + $(wrk_field "$f" status)))
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$ext" "$route" "$(wrk_field "$f" requests)" \
                "$(wrk_field "$f" duration_us)" "$((t1 - t0))" "$errors" >>"$TSV"
            log "round $round $ext $route: $(awk -F'\t' 'END { printf "%.0f req/s, %d ticks, %d errors", $4 / ($5 / 1e6), $6, $7 }' "$TSV")"
        done
    done
done

# ----------------------------------------------------------------- report ----
mkdir -p "$RESULTS_DIR"
SUFFIX=$([[ $PIPELINE -gt 0 ]] && echo "-pipelined" || echo "")
export TSV TIMESTAMP GIT_REV DIRTY LOADAVG DURATION WARMUP ROUNDS CONNECTIONS PIPELINE SERVER_CPU CLIENT_CPU HISTORY SUFFIX
export CLK_TCK=$(getconf CLK_TCK) ORIGIN
export CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) KERNEL=$(uname -r)
export SWIFT_VERSION=$( (swift --version 2>/dev/null || true) | awk 'NR == 1 { print }')
export MD="$RESULTS_DIR/extensions$SUFFIX-latest.md" JSON="$RESULTS_DIR/extensions$SUFFIX-latest.json" HISTORY_FILE
python3 - <<'PY'
import json, os

env = os.environ
tck = int(env["CLK_TCK"])
rows = []
with open(env["TSV"]) as f:
    for line in f:
        rnd, ext, route, requests, duration_us, ticks, errors = line.rstrip("\n").split("\t")
        requests, duration_us, ticks, errors = int(requests), int(duration_us), int(ticks), int(errors)
        cpu_s, secs = ticks / tck, duration_us / 1e6
        rows.append({
            "round": int(rnd), "extension": ext, "route": route, "requests": requests, "duration_us": duration_us,
            "rps": requests / secs if secs else 0.0, "cpu_us": cpu_s / requests * 1e6 if requests else None,
            "cpu_percent": cpu_s / secs * 100 if secs else None, "errors": errors,
        })

extensions = list(dict.fromkeys(r["extension"] for r in rows))
routes = list(dict.fromkeys(r["route"] for r in rows))
cells = {}
for ext in extensions:
    for route in routes:
        runs = sorted((r for r in rows if r["extension"] == ext and r["route"] == route),
                      key=lambda r: float("inf") if r["cpu_us"] is None else r["cpu_us"])
        cells[ext, route] = dict(runs[(len(runs) - 1) // 2], rounds=len(runs))  # the (lower) median run
for (ext, route), cell in cells.items():
    bare = cells["none", route]["cpu_us"]
    ok = cell["cpu_us"] is not None and bare
    cell["delta_us"] = cell["cpu_us"] - bare if ok else None
    cell["share_percent"] = cell["delta_us"] / bare * 100 if ok else None

headers = {"origin": f"Origin: {env['ORIGIN']}", "gzip": "Accept-Encoding: gzip"}
pipeline = int(env["PIPELINE"])
paths = {"plaintext": "/ext/NAME/plaintext", "hello": "/ext/NAME/hello/world"}


def fmt(value, spec, signed=False):
    if value is None:
        return "-"
    return format(value, ("+" if signed else "") + spec)


lines = [
    f"# The cost of each extension{' (pipelined)' if pipeline else ''}", "",
    f"{env['TIMESTAMP']}, commit {env['GIT_REV']}{' (uncommitted changes)' if env['DIRTY'] == 'true' else ''}, "
    f"{env['CPU_MODEL']}, Linux {env['KERNEL']}, {env['SWIFT_VERSION']}, load average at start {env['LOADAVG']}.",
    f"`hello --threads 1 --log-level warning` on CPU {env['SERVER_CPU']}; `wrk -t1 -c{env['CONNECTIONS']} -d{env['DURATION']}s` "
    f"on CPU {env['CLIENT_CPU']} after a {env['WARMUP']} s warm-up"
    + (f", {pipeline} requests per write" if pipeline else "")
    + (f"; each cell the median of {env['ROUNDS']} rounds" if int(env["ROUNDS"]) > 1 else "") + ".",
    "µs/req: the server's CPU time (user + system, /proc/PID/stat) over the run per response; "
    "+µs: over the same route behind no extension (`none`); share: that as a share of `none`'s µs/req. "
    "Routes: GET /ext/NAME/plaintext and GET /ext/NAME/hello/world (Codable JSON, a path parameter); "
    "`+origin` sends `Origin: " + env["ORIGIN"] + "`, `+gzip` sends `Accept-Encoding: gzip`.", "",
    "| extension | plaintext req/s | µs/req | +µs vs none | share of bare | hello req/s | µs/req | +µs | share |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
]
warnings = []
for ext in extensions:
    cols = [f"`{ext}`"]
    for route in ("plaintext", "hello"):
        c = cells.get((ext, route))
        if c is None:
            cols += ["-"] * 4
            continue
        flag = " ⚠" if c["errors"] or not c["requests"] else ""
        if flag:
            warnings.append(f"{ext} {route}: {c['requests']} responses, {c['errors']} errors (socket errors + status >= 400)")
        bare = ext == "none"
        cols += [f"{c['rps']:.0f}{flag}", fmt(c["cpu_us"], ".2f"), "" if bare else fmt(c["delta_us"], ".2f", True),
                 "" if bare else (fmt(c["share_percent"], ".1f", True) + "%" if c["share_percent"] is not None else "-")]
    lines.append("| " + " | ".join(cols) + " |")
busy = [c["cpu_percent"] for c in cells.values() if c["cpu_percent"] is not None]
if busy:
    lines += ["", f"Server CPU busy during the runs: {min(busy):.0f}% to {max(busy):.0f}% of its core."]
lines += [f"⚠ {w}" for w in warnings]
with open(env["MD"], "w") as f:
    f.write("\n".join(lines) + "\n")

report = {
    "timestamp": env["TIMESTAMP"], "commit": env["GIT_REV"], "dirty": env["DIRTY"] == "true", "cpu": env["CPU_MODEL"],
    "kernel": env["KERNEL"], "swift": env["SWIFT_VERSION"], "loadavg_at_start": env["LOADAVG"],
    "config": {"duration_s": int(env["DURATION"]), "warmup_s": int(env["WARMUP"]), "rounds": int(env["ROUNDS"]),
               "connections": int(env["CONNECTIONS"]), "pipeline": pipeline, "server_cpu": int(env["SERVER_CPU"]),
               "client_cpu": int(env["CLIENT_CPU"]), "clk_tck": tck},
    "results": [
        {"extension": ext, "group": ext.split("+")[0], "headers": [headers[h] for h in ext.split("+")[1:]],
         "route": route, "path": paths[route].replace("NAME", ext.split("+")[0]),
         "requests_per_second": round(c["rps"], 1), "server_cpu_us_per_request": fmt(c["cpu_us"], ".3f"),
         "delta_us_vs_none": fmt(c["delta_us"], ".3f"), "share_of_none_percent": fmt(c["share_percent"], ".1f"),
         "server_cpu_percent": fmt(c["cpu_percent"], ".1f"), "requests": c["requests"], "duration_us": c["duration_us"],
         "errors": c["errors"], "rounds": c["rounds"]}
        for (ext, route), c in cells.items()
    ],
    "runs": rows,
}
for result in report["results"]:
    for key in ("server_cpu_us_per_request", "delta_us_vs_none", "share_of_none_percent", "server_cpu_percent"):
        result[key] = None if result[key] == "-" else float(result[key])
with open(env["JSON"], "w") as f:
    json.dump(report, f, indent=2, ensure_ascii=False)
    f.write("\n")

if env["HISTORY"] == "1" and env["GIT_REV"] != "none":
    suffix = env["SUFFIX"]
    history = "".join(
        json.dumps({"commit": env["GIT_REV"], "dirty": env["DIRTY"] == "true", "date": env["TIMESTAMP"],
                    "source": "extensions.sh", "server": "pronto", "scenario": f"ext-{ext}-{route}{suffix}",
                    "rps": round(c["rps"], 1), "cpu_us": round(c["cpu_us"], 2)}, separators=(",", ":")) + "\n"
        for (ext, route), c in cells.items() if c["cpu_us"] is not None)
    os.makedirs(os.path.dirname(env["HISTORY_FILE"]), exist_ok=True)
    with open(env["HISTORY_FILE"], "ab") as f:
        if f.tell() > 0:
            with open(env["HISTORY_FILE"], "rb") as last:
                last.seek(-1, os.SEEK_END)
                if last.read(1) != b"\n":
                    history = "\n" + history
        f.write(history.encode())  # one write: other scripts append to the same file
PY
echo
cat "$MD"
echo
if [[ $HISTORY == 1 ]]; then log "wrote $MD and $JSON; appended to $HISTORY_FILE"; else log "wrote $MD and $JSON; not appended to the history (a trial run: DURATION < 5 or HISTORY=0; HISTORY=1 appends)"; fi
