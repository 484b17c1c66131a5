#!/usr/bin/env bash
# Pronto macro benchmarks: Pronto's `hello` vs. a C "limit" server and peer
# Swift servers, one server thread on CPU 0, wrk on CPU 1. See README.md.
#
#   Benchmarks/run.sh
#   DURATION=30 SERVERS="limit pronto" SCENARIOS="plaintext json" Benchmarks/run.sh
#
# Environment (all optional):
#   DURATION=10          seconds of each measured wrk run
#   WARMUP=2             seconds of wrk warm-up before each measured run
#   SERVERS="limit nio-floor pronto-engine pronto nio-http1 hummingbird"   subset, space or comma separated
#                        (nio-floor = SwiftNIO's own limit: canned answers counted by request ends)
#                        (pronto = hello on App with its router; pronto-engine = hello --engine,
#                        the same routes on the bare engine). Not in the default, only when listed:
#                        uvloop-httptools and japronto, the Python peers of Peers/Python (setup.sh;
#                        japronto needs JAPRONTO_SRC, see README.md)
#   SCENARIOS="plaintext pipelined json hello"     subset, space or comma separated; also
#                        json-pipelined and hello-pipelined (GET /hello/world)
#   CONNECTIONS=100      wrk -c
#   PIPELINE=16          requests per write in the pipelined scenario
#   ALLOC=1              0 skips the allocation-counting runs
#   ALLOC_DURATION=3     seconds of each allocation-counting wrk run
#   SERVER_CPU=0 CLIENT_CPU=1   CPUs for taskset
#   BUILD=1              0 skips all builds (binaries must already exist); with the Python
#                        peers selected, BUILD=1 runs Peers/Python/setup.sh (JAPRONTO_SRC passed on)
#   BUILD_NICE=10        nice level for the builds
#   STARTUP_TIMEOUT=30   seconds to wait for a server's port to answer
#   RESULTS_DIR=Benchmarks/results
#   HISTORY=auto         appending to the history: auto appends runs of DURATION >= 5 (shorter
#                        ones are trial runs), 1 always appends, 0 never does
#   HISTORY_FILE=Benchmarks/results/history.jsonl   the performance history, one JSON line per
#                        server and scenario of each run (source "run.sh"; see README.md,
#                        "Performance across commits"); `pronto-bench trend` charts it
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$BENCH_DIR")

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
SERVERS=${SERVERS:-"limit nio-floor pronto-engine pronto nio-http1 hummingbird"}
SCENARIOS=${SCENARIOS:-"plaintext pipelined json hello"}
CONNECTIONS=${CONNECTIONS:-100}
PIPELINE=${PIPELINE:-16}
ALLOC=${ALLOC:-1}
ALLOC_DURATION=${ALLOC_DURATION:-3}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
BUILD=${BUILD:-1}
BUILD_NICE=${BUILD_NICE:-10}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-30}
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}
HISTORY=${HISTORY:-auto}
HISTORY_FILE=${HISTORY_FILE:-$BENCH_DIR/results/history.jsonl}

SERVERS=${SERVERS//,/ }
SCENARIOS=${SCENARIOS//,/ }

C_BUILD_DIR="$BENCH_DIR/.build"
LIMIT_BIN="$C_BUILD_DIR/limit"
MALLOC_LIB="$C_BUILD_DIR/libmalloccount.so"
PEERS_DIR="$BENCH_DIR/Peers"
PY_PEERS_DIR="$PEERS_DIR/Python"
PY_PEERS_PYTHON="$PY_PEERS_DIR/.venv/bin/python"
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pronto-bench.XXXXXX")
RESULTS_TSV="$WORK_DIR/results.tsv"
CLK_TCK=$(getconf CLK_TCK)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
for v in DURATION WARMUP CONNECTIONS PIPELINE ALLOC_DURATION STARTUP_TIMEOUT; do
    is_uint "${!v}" || die "$v must be a non-negative integer (got '${!v}')"
done
[[ $DURATION -ge 1 ]] || die "DURATION must be >= 1"
case $HISTORY in auto|0|1) ;; *) die "HISTORY must be auto, 0 or 1 (got '$HISTORY')";; esac

for s in $SERVERS; do
    case $s in limit|nio-floor|pronto|pronto-engine|nio-http1|hummingbird|uvloop-httptools|japronto) ;; *) die "unknown server '$s' (known: limit nio-floor pronto-engine pronto nio-http1 hummingbird uvloop-httptools japronto)";; esac
done
for s in $SCENARIOS; do
    case $s in
        plaintext|pipelined|json|hello|json-pipelined|hello-pipelined) ;;
        # Pronto's framework only (hello's BenchmarkRoutes): the paths real apps take.
        async|async-pipelined|yield|yield-pipelined|middleware|middleware-pipelined|middleware-async|middleware-async-pipelined|middleware-json|middleware-json-pipelined|params-json|params-json-pipelined) ;;
        *) die "unknown scenario '$s' (known: plaintext pipelined json hello json-pipelined hello-pipelined; for SERVERS=pronto also async yield middleware middleware-async middleware-json params-json and their -pipelined twins)";;
    esac
done
[[ -n ${SERVERS// } ]] || die "SERVERS is empty"
[[ -n ${SCENARIOS// } ]] || die "SCENARIOS is empty"
wants() { [[ " $SERVERS " == *" $1 "* ]]; }

for tool in wrk taskset curl gcc getconf awk; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (Debian: apt-get install -y wrk util-linux curl gcc)"
done
if [[ $(nproc --all) -le $SERVER_CPU || $(nproc --all) -le $CLIENT_CPU ]]; then
    die "need CPUs $SERVER_CPU and $CLIENT_CPU (this machine has $(nproc --all))"
fi

# ---------------------------------------------------------------- cleanup ----
SERVER_PID=""
WRK_PID=""
cleanup() {
    local status=$?
    if [[ -n $WRK_PID ]]; then
        kill -TERM "$WRK_PID" 2>/dev/null || true
        wait "$WRK_PID" 2>/dev/null || true
    fi
    if [[ -n $SERVER_PID ]]; then stop_server; fi
    rm -rf "$WORK_DIR"
    if [[ $status == 130 || $status == 143 ]]; then log "interrupted; stopped the servers this script started"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ----------------------------------------------------------------- builds ----
PRONTO_BIN=""
PEERS_BIN=""
PYTHON_VERSION=""
build_all() {
    mkdir -p "$C_BUILD_DIR"
    if [[ $BUILD == 1 ]]; then
        log "building C limit server and malloc counter"
        gcc -O2 -Wall -o "$LIMIT_BIN" "$BENCH_DIR/LimitServer/limit.c"
        gcc -O2 -Wall -shared -fPIC -o "$MALLOC_LIB" "$BENCH_DIR/MallocCounter/malloccount.c"
    fi
    [[ -x $LIMIT_BIN ]] || die "$LIMIT_BIN missing (run with BUILD=1)"
    [[ -f $MALLOC_LIB ]] || die "$MALLOC_LIB missing (run with BUILD=1)"

    if wants pronto || wants pronto-engine; then
        if [[ $BUILD == 1 ]]; then
            log "building Pronto's hello (swift build -c release --product hello)"
            if ! (cd "$REPO_ROOT" && nice -n "$BUILD_NICE" swift build -c release --product hello) >"$WORK_DIR/pronto-build.log" 2>&1; then
                tail -n 30 "$WORK_DIR/pronto-build.log" >&2
                die "could not build Pronto's 'hello' product in release (swift build -c release --product hello in $REPO_ROOT failed; last lines above). Run without pronto: SERVERS=\"limit nio-http1 hummingbird\""
            fi
        fi
        PRONTO_BIN="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/hello"
        [[ -x $PRONTO_BIN ]] || die "Pronto's hello not found at $PRONTO_BIN"
    fi

    if wants nio-http1 || wants hummingbird || wants nio-floor; then
        if [[ $BUILD == 1 ]]; then
            log "building peer servers (swift build -c release --package-path Benchmarks/Peers; the first build takes minutes)"
            if ! nice -n "$BUILD_NICE" swift build -c release --package-path "$PEERS_DIR" >"$WORK_DIR/peers-build.log" 2>&1; then
                tail -n 30 "$WORK_DIR/peers-build.log" >&2
                die "could not build the peer servers in $PEERS_DIR"
            fi
        fi
        PEERS_BIN="$(swift build -c release --package-path "$PEERS_DIR" --show-bin-path)"
        if wants nio-http1; then [[ -x $PEERS_BIN/nio-http1 ]] || die "$PEERS_BIN/nio-http1 missing"; fi
        if wants nio-floor; then [[ -x $PEERS_BIN/nio-floor ]] || die "$PEERS_BIN/nio-floor missing"; fi
        if wants hummingbird; then [[ -x $PEERS_BIN/hummingbird ]] || die "$PEERS_BIN/hummingbird missing"; fi
    fi

    if wants uvloop-httptools || wants japronto; then
        if [[ $BUILD == 1 ]]; then
            log "setting up the Python peers (Benchmarks/Peers/Python/setup.sh${JAPRONTO_SRC:+, JAPRONTO_SRC=$JAPRONTO_SRC})"
            if ! nice -n "$BUILD_NICE" "$PY_PEERS_DIR/setup.sh" >"$WORK_DIR/python-peers-setup.log" 2>&1; then
                tail -n 30 "$WORK_DIR/python-peers-setup.log" >&2
                die "Benchmarks/Peers/Python/setup.sh failed (last lines above)"
            fi
            grep '^\[python-peers\] japronto' "$WORK_DIR/python-peers-setup.log" >&2 || true
        fi
        [[ -x $PY_PEERS_PYTHON ]] || die "$PY_PEERS_PYTHON missing (run with BUILD=1, or Benchmarks/Peers/Python/setup.sh)"
        if wants uvloop-httptools; then
            "$PY_PEERS_PYTHON" -c 'import uvloop, httptools' 2>/dev/null ||
                die "uvloop/httptools missing in Benchmarks/Peers/Python/.venv (run Benchmarks/Peers/Python/setup.sh)"
        fi
        if wants japronto; then
            "$PY_PEERS_PYTHON" -c 'import japronto.protocol.cprotocol' 2>/dev/null ||
                die "japronto is not built in Benchmarks/Peers/Python/.venv: PyPI has no japronto for this Python; build it from a checkout of squeaky-pl/japronto with JAPRONTO_SRC=/path/to/japronto Benchmarks/Peers/Python/setup.sh (or JAPRONTO_SRC=... $0), or drop japronto from SERVERS"
        fi
        PYTHON_VERSION=$("$PY_PEERS_PYTHON" --version 2>&1)
    fi
}

# ---------------------------------------------------------------- servers ----
server_cmd() { # name port -> prints the command, one word per line
    case $1 in
        limit) printf '%s\n' "$LIMIT_BIN" "$2" 127.0.0.1 ;;
        pronto) printf '%s\n' "$PRONTO_BIN" --host 127.0.0.1 --port "$2" --threads 1 ;;
        pronto-engine) printf '%s\n' "$PRONTO_BIN" --engine --host 127.0.0.1 --port "$2" --threads 1 ;;
        nio-http1) printf '%s\n' "$PEERS_BIN/nio-http1" --host 127.0.0.1 --port "$2" --threads 1 ;;
        nio-floor) printf '%s\n' "$PEERS_BIN/nio-floor" --host 127.0.0.1 --port "$2" --threads 1 ;;
        hummingbird) printf '%s\n' "$PEERS_BIN/hummingbird" --host 127.0.0.1 --port "$2" --threads 1 ;;
        uvloop-httptools) printf '%s\n' "$PY_PEERS_PYTHON" "$PY_PEERS_DIR/uvloop_httptools_server.py" --host 127.0.0.1 --port "$2" ;;
        japronto) printf '%s\n' "$PY_PEERS_PYTHON" "$PY_PEERS_DIR/japronto_server.py" --host 127.0.0.1 --port "$2" ;;
    esac
}

start_server() { # name preload(0|1) -> sets SERVER_PID, PORT
    local name=$1 preload=$2 cmd=() attempt
    for attempt in 1 2 3; do
        PORT=$(pick_port)
        mapfile -t cmd < <(server_cmd "$name" "$PORT")
        local logf="$WORK_DIR/$name-$preload.log"
        if [[ $preload == 1 ]]; then
            rm -f "$WORK_DIR/$name.count"
            taskset -c "$SERVER_CPU" env MALLOC_COUNT_FILE="$WORK_DIR/$name.count" LD_PRELOAD="$MALLOC_LIB" \
                "${cmd[@]}" >"$logf" 2>&1 &
        else
            taskset -c "$SERVER_CPU" "${cmd[@]}" >"$logf" 2>&1 &
        fi
        SERVER_PID=$!
        local deadline=$((SECONDS + STARTUP_TIMEOUT))
        while [[ $SECONDS -lt $deadline ]]; do
            if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
            if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/plaintext"; then
                return 0
            fi
            sleep 0.1
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            stop_server
            tail -n 20 "$logf" >&2
            die "$name did not answer on port $PORT within ${STARTUP_TIMEOUT}s"
        fi
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
        log "$name exited during startup on port $PORT (attempt $attempt):"
        tail -n 10 "$logf" >&2
    done
    die "$name failed to start"
}

check_responses() { # name: warns when the routes do not answer as expected
    local name=$1 body
    body=$(curl -s --max-time 2 "http://127.0.0.1:$PORT/plaintext" || true)
    [[ $body == "Hello, World!" ]] || log "WARNING: $name GET /plaintext answered '${body:0:80}', expected 'Hello, World!'"
    body=$(curl -s --max-time 2 "http://127.0.0.1:$PORT/json" || true)
    [[ $body == '{"message":"Hello, World!"}' ]] || log "WARNING: $name GET /json answered '${body:0:80}', expected '{\"message\":\"Hello, World!\"}'"
}

malloc_count() { # name -> total allocation calls so far (via SIGUSR2)
    local file="$WORK_DIR/$1.count" deadline line
    rm -f "$file"
    kill -USR2 "$SERVER_PID"
    deadline=$((SECONDS + 5))
    while [[ ! -s $file ]]; do
        [[ $SECONDS -lt $deadline ]] || die "malloc counter of $1 did not report (is SIGUSR2 handled by the server?)"
        sleep 0.05
    done
    line=$(<"$file")
    line=${line#total=}
    echo "${line%% *}"
}

# ---------------------------------------------------------------- wrk ----
scenario_path() {
    case $1 in
        json|json-pipelined) echo /json ;;
        hello|hello-pipelined) echo /hello/world ;;
        async|async-pipelined) echo /async/plaintext ;;                 # async handler that awaits nothing
        yield|yield-pipelined) echo /async/yield ;;                     # async handler that suspends once
        middleware|middleware-pipelined) echo /mw/plaintext ;;          # two pass-through InlineMiddleware
        middleware-async|middleware-async-pipelined) echo /mw-async/plaintext ;;  # two pass-through async Middleware
        middleware-json|middleware-json-pipelined) echo /mw/json ;;     # Codable JSON behind the two
        params-json|params-json-pipelined) echo /users/1/posts/2 ;;     # two typed path parameters, Codable JSON
        *) echo /plaintext ;;
    esac
}

run_wrk() { # scenario seconds outfile
    local scenario=$1 secs=$2 out=$3 url
    url="http://127.0.0.1:$PORT$(scenario_path "$scenario")"
    if [[ $scenario == *pipelined ]]; then
        taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${secs}s" -s "$BENCH_DIR/wrk/pipeline.lua" "$url" -- "$PIPELINE" >"$out" 2>&1 &
    else
        taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${secs}s" -s "$BENCH_DIR/wrk/report.lua" "$url" >"$out" 2>&1 &
    fi
    # wrk runs in the background so that a signal to this script is handled at once (see cleanup).
    WRK_PID=$!
    wait "$WRK_PID" || true
    WRK_PID=""
    if ! grep -q '^WRK_RESULT ' "$out"; then
        cat "$out" >&2
        die "wrk produced no result for $scenario"
    fi
}

wrk_field() { # file key
    grep '^WRK_RESULT ' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'
}

# ---------------------------------------------------------------- main ----
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg) # before our own builds
# The history records what is built: the commit, and whether the tree differed from it (changed
# or untracked files, as `git status --porcelain` lists them; Benchmarks/results, where results
# and the history are written, aside).
HISTORY_REV=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || true)
HISTORY_DIRTY=$(tree_is_dirty "$REPO_ROOT")
if awk -v l="${LOADAVG%% *}" 'BEGIN { exit !(l > 0.5) }'; then
    log "WARNING: load average is $LOADAVG: something else is running, figures will be noisy"
fi
build_all

TIMESTAMP=$(date -u +%Y-%m-%dT%H:%M:%SZ)
log "servers: $SERVERS; scenarios: $SCENARIOS; DURATION=${DURATION}s WARMUP=${WARMUP}s c=$CONNECTIONS pipeline=$PIPELINE; server on CPU $SERVER_CPU, wrk on CPU $CLIENT_CPU"
: >"$RESULTS_TSV"

for server in $SERVERS; do
    # Throughput + CPU runs (no preload).
    start_server "$server" 0
    log "$server listening on 127.0.0.1:$PORT (pid $SERVER_PID)"
    check_responses "$server"
    for scenario in $SCENARIOS; do
        if [[ $WARMUP -gt 0 ]]; then run_wrk "$scenario" "$WARMUP" "$WORK_DIR/warmup.out"; fi
        t0=$(cpu_ticks "$SERVER_PID")
        run_wrk "$scenario" "$DURATION" "$WORK_DIR/$server-$scenario.out"
        t1=$(cpu_ticks "$SERVER_PID")
        kill -0 "$SERVER_PID" 2>/dev/null || die "$server died during $scenario"
        f="$WORK_DIR/$server-$scenario.out"
        requests=$(wrk_field "$f" requests)
        duration_us=$(wrk_field "$f" duration_us)
        errors=$(($(wrk_field "$f" connect) + $(wrk_field "$f" read) + $(wrk_field "$f" write) + $(wrk_field "$f" timeout) + $(wrk_field "$f" status)))
        non2xx=$(wrk_field "$f" status)
        lat_mean=$(wrk_field "$f" lat_mean_us)
        lat_p99=$(wrk_field "$f" lat_p99_us)
        # wrk's latency histogram is per pipelined batch, not per request: not comparable
        if [[ $scenario == *pipelined ]]; then lat_mean="-"; lat_p99="-"; fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$scenario" "$requests" "$duration_us" \
            "$((t1 - t0))" "$errors" "$non2xx" "$lat_mean" "$lat_p99" "-" >>"$RESULTS_TSV"
        if [[ $requests -eq 0 || $errors -ne 0 ]]; then
            log "WARNING: $server $scenario: $requests responses, $errors errors (socket errors + status >= 400); see the errors column"
        fi
        log "$server $scenario: $(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.0f req/s", r / (d / 1e6) }'), errors $errors"
    done
    stop_server

    # Allocation-counting runs (LD_PRELOAD malloc counter), separate so that the
    # counter's overhead does not touch the throughput figures.
    if [[ $ALLOC == 1 ]]; then
        start_server "$server" 1
        for scenario in $SCENARIOS; do
            run_wrk "$scenario" 1 "$WORK_DIR/warmup.out"
            a0=$(malloc_count "$server")
            run_wrk "$scenario" "$ALLOC_DURATION" "$WORK_DIR/$server-$scenario.alloc.out"
            a1=$(malloc_count "$server")
            areq=$(wrk_field "$WORK_DIR/$server-$scenario.alloc.out" requests)
            allocs=$(awk -v a="$((a1 - a0))" -v r="$areq" 'BEGIN { if (r > 0) printf "%.2f", a / r; else print "-" }')
            # fill in the allocation column of this server/scenario row
            awk -F'\t' -v OFS='\t' -v s="$server" -v sc="$scenario" -v v="$allocs" \
                '$1 == s && $2 == sc { $10 = v } { print }' "$RESULTS_TSV" >"$RESULTS_TSV.new"
            mv "$RESULTS_TSV.new" "$RESULTS_TSV"
            log "$server $scenario: $allocs allocations/request ($((a1 - a0)) over $areq requests)"
        done
        stop_server
    fi
done

# ---------------------------------------------------------------- report ----
mkdir -p "$RESULTS_DIR"
GIT_REV=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo none)
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
KERNEL=$(uname -r)
SWIFT_VERSION=$( (swift --version 2>/dev/null || true) | awk 'NR == 1 { print }')

awk -F'\t' -v OFS='\t' -v tck="$CLK_TCK" '
    { rows[NR] = $0; if ($1 == "limit") limit[$2] = $3 / ($4 / 1e6) }
    END {
        for (i = 1; i <= NR; i++) {
            split(rows[i], f, "\t")
            rps = f[4] > 0 ? f[3] / (f[4] / 1e6) : 0
            ratio = (f[2] in limit && limit[f[2]] > 0) ? sprintf("%.3f", rps / limit[f[2]]) : "-"
            cpu_s = f[5] / tck
            cpu_us = f[3] > 0 ? sprintf("%.2f", cpu_s / f[3] * 1e6) : "-"
            util = f[4] > 0 ? sprintf("%.0f", cpu_s / (f[4] / 1e6) * 100) : "-"
            print f[1], f[2], sprintf("%.0f", rps), ratio, cpu_us, util, f[10], f[6], f[3], f[4], f[7], f[8], f[9]
        }
    }' "$RESULTS_TSV" >"$WORK_DIR/final.tsv"
# final.tsv: server scenario rps ratio cpu_us_per_req cpu_util% allocs errors requests duration_us non2xx lat_mean_us lat_p99_us

MD="$RESULTS_DIR/latest.md"
JSON="$RESULTS_DIR/latest.json"
{
    echo "# Pronto macro benchmark"
    echo
    echo "$TIMESTAMP, commit $GIT_REV, $CPU_MODEL, Linux $KERNEL, $SWIFT_VERSION${PYTHON_VERSION:+, $PYTHON_VERSION (Python peers)}, load average at start $LOADAVG."
    if [[ $ALLOC == 1 ]]; then alloc_note="allocations from separate ${ALLOC_DURATION}s runs with the LD_PRELOAD counter"; else alloc_note="allocation counting skipped (ALLOC=0)"; fi
    echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s on CPU $CLIENT_CPU; server (one thread) on CPU $SERVER_CPU; pipelined = $PIPELINE requests per write; $alloc_note."
    echo
    echo "| server | scenario | req/s | vs limit | server CPU µs/req | server CPU % | allocs/req | errors |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$WORK_DIR/final.tsv"
} >"$MD"

{
    printf '{\n'
    printf '  "timestamp": "%s",\n  "commit": "%s",\n  "cpu": "%s",\n  "kernel": "%s",\n  "swift": "%s",\n  "loadavg_at_start": "%s",\n' \
        "$TIMESTAMP" "$GIT_REV" "${CPU_MODEL//\"/}" "$KERNEL" "${SWIFT_VERSION//\"/}" "$LOADAVG"
    if [[ -n $PYTHON_VERSION ]]; then printf '  "python": "%s",\n' "$PYTHON_VERSION"; fi
    printf '  "config": {"duration_s": %s, "warmup_s": %s, "connections": %s, "pipeline": %s, "alloc_duration_s": %s, "server_cpu": %s, "client_cpu": %s, "clk_tck": %s},\n' \
        "$DURATION" "$WARMUP" "$CONNECTIONS" "$PIPELINE" "$([[ $ALLOC == 1 ]] && echo "$ALLOC_DURATION" || echo null)" "$SERVER_CPU" "$CLIENT_CPU" "$CLK_TCK"
    printf '  "results": [\n'
    awk -F'\t' '
        function num(v) { return (v == "-" || v == "") ? "null" : v }
        {
            if (NR > 1) printf ",\n"
            printf "    {\"server\": \"%s\", \"scenario\": \"%s\", \"requests_per_second\": %s, \"ratio_to_limit\": %s, \"server_cpu_us_per_request\": %s, \"server_cpu_percent\": %s, \"allocations_per_request\": %s, \"errors\": %s, \"requests\": %s, \"duration_us\": %s, \"non_2xx\": %s, \"latency_mean_us\": %s, \"latency_p99_us\": %s}",
                $1, $2, $3, num($4), num($5), num($6), num($7), $8, $9, $10, num($11), num($12), num($13)
        }
        END { if (NR > 0) printf "\n" }' "$WORK_DIR/final.tsv"
    printf '  ]\n}\n'
} >"$JSON"

echo
cat "$MD"
echo
log "wrote $MD and $JSON"

# ---------------------------------------------------------------- history ----
# One line per server and scenario measured, in the shape every benchmark script appends:
# {"commit":…,"dirty":…,"date":…,"source":"run.sh","server":…,"scenario":…,"rps":…,"cpu_us":…[,"p99_ms":…]}
if [[ $HISTORY == 0 ]]; then
    log "not appended to the history (HISTORY=0)"
elif [[ $HISTORY == auto && $DURATION -lt 5 ]]; then
    log "not appended to the history (DURATION=$DURATION < 5: a trial run; HISTORY=1 appends it)"
elif [[ -z $HISTORY_REV ]]; then
    log "not appended to the history: $REPO_ROOT is not a git checkout"
else
    mkdir -p "$(dirname "$HISTORY_FILE")"
    if [[ -s $HISTORY_FILE && $(tail -c 1 "$HISTORY_FILE" | od -An -c | tr -d ' ') != '\n' ]]; then echo >>"$HISTORY_FILE"; fi
    # final.tsv: server scenario rps ratio cpu_us allocs … requests($9) duration_us($10) … lat_p99_us($13)
    awk -F'\t' -v commit="$HISTORY_REV" -v dirty="$HISTORY_DIRTY" -v date="$TIMESTAMP" '
        $9 > 0 && $10 > 0 {
            cpu = ($5 == "-" || $5 == "") ? "null" : $5 + 0
            p99 = ($13 == "-" || $13 == "") ? "" : sprintf(",\"p99_ms\":%.3f", $13 / 1000)
            printf "{\"commit\":\"%s\",\"dirty\":%s,\"date\":\"%s\",\"source\":\"run.sh\",\"server\":\"%s\",\"scenario\":\"%s\",\"rps\":%.1f,\"cpu_us\":%s%s}\n",
                commit, dirty, date, $1, $2, $9 / ($10 / 1e6), cpu, p99
        }' "$WORK_DIR/final.tsv" >"$WORK_DIR/history.jsonl"
    # One write (>>, O_APPEND), so lines of another script appending at the same time do not interleave.
    cat "$WORK_DIR/history.jsonl" >>"$HISTORY_FILE"
    log "appended $(wc -l <"$WORK_DIR/history.jsonl") lines to $HISTORY_FILE (charts: pronto-bench trend)"
fi
