#!/usr/bin/env bash
# TCP echo, the uvloop toolbench's benchmark: `pronto-bench echo` (CPU 1) against Pronto's
# SwiftNIO echo server and the uvloop article's peers (uvloop and plain asyncio, Protocol and
# streams), Go's net and Node's net, each one process on CPU 0. Message sizes 1, 10, 100 KiB.
# See README.md, "TCP echo (the uvloop toolbench)".
#
#   Benchmarks/echo.sh
#   DURATION=2 Benchmarks/echo.sh                                  # a short functional run
#   SERVERS="pronto uvloop-protocol go" SIZES="1 100" Benchmarks/echo.sh
#
# Environment (all optional):
#   DURATION=10          seconds of each measured `pronto-bench echo` run
#   WARMUP=2             seconds of echo warm-up before each measured run (0: none)
#   SERVERS="pronto uvloop-protocol uvloop-streams asyncio-protocol asyncio-streams go node"
#                        subset, space or comma separated; a server whose toolchain is
#                        missing is skipped with the reason printed
#   SIZES="1 10 100"     message sizes in KiB (or with a unit: 512B, 4k, 4KiB), space or comma separated
#   CONNECTIONS=10       `pronto-bench echo --concurrency` (one message in flight each)
#   SERVER_CPU=0 CLIENT_CPU=1   CPUs for taskset
#   BUILD=1              0 skips all builds (pronto-bench, the Go binary, the Python venv)
#   BUILD_NICE=10        nice level for the builds
#   STARTUP_TIMEOUT=30   seconds to wait for a server to echo
#   HISTORY              1 appends to results/history.jsonl, 0 never; default: only when DURATION >= 5
#   RESULTS_DIR=Benchmarks/results
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$BENCH_DIR")

ALL_SERVERS="pronto uvloop-protocol uvloop-streams asyncio-protocol asyncio-streams go node"
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
SERVERS=${SERVERS:-$ALL_SERVERS}
SIZES=${SIZES:-"1 10 100"}
CONNECTIONS=${CONNECTIONS:-10}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
BUILD=${BUILD:-1}
BUILD_NICE=${BUILD_NICE:-10}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-30}
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}

SERVERS=${SERVERS//,/ }
SIZES=${SIZES//,/ }

ECHO_DIR="$BENCH_DIR/Echo"
C_BUILD_DIR="$BENCH_DIR/.build"
GO_BIN="$C_BUILD_DIR/echo-go"
PY_PEERS_DIR="$BENCH_DIR/Peers/Python"
PY_VENV_PYTHON="$PY_PEERS_DIR/.venv/bin/python"
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pronto-echo.XXXXXX")
RESULTS_TSV="$WORK_DIR/results.tsv"
CLK_TCK=$(getconf CLK_TCK)

log() { printf '[echo %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
for v in DURATION WARMUP CONNECTIONS STARTUP_TIMEOUT SERVER_CPU CLIENT_CPU; do
    is_uint "${!v}" || die "$v must be a non-negative integer (got '${!v}')"
done
[[ $DURATION -ge 1 ]] || die "DURATION must be >= 1"
[[ $CONNECTIONS -ge 1 ]] || die "CONNECTIONS must be >= 1"
case ${HISTORY:-} in
    "") if [[ $DURATION -ge 5 ]]; then HISTORY=1; else HISTORY=0; fi ;;
    0|1) ;;
    *) die "HISTORY must be 0 or 1 (got '$HISTORY')" ;;
esac

[[ -n ${SERVERS// } ]] || die "SERVERS is empty"
for s in $SERVERS; do
    [[ " $ALL_SERVERS " == *" $s "* ]] || die "unknown server '$s' in SERVERS (known: $ALL_SERVERS)"
done
wants() { [[ " $SERVERS " == *" $1 "* ]]; }

size_bytes() { # 1, 10k, 10KiB -> KiB; 512B -> bytes
    local s=$1
    if [[ $s =~ ^([0-9]+)$ || $s =~ ^([0-9]+)([kK]|KiB|kib|KB|kb)$ ]]; then
        echo $((BASH_REMATCH[1] * 1024))
    elif [[ $s =~ ^([0-9]+)[bB]$ ]]; then
        echo "${BASH_REMATCH[1]}"
    else
        return 1
    fi
}
size_label() { if (($1 % 1024 == 0)); then echo "$(($1 / 1024))KiB"; else echo "${1}B"; fi; }
[[ -n ${SIZES// } ]] || die "SIZES is empty"
SIZE_BYTES=()
for s in $SIZES; do
    b=$(size_bytes "$s") || die "invalid size '$s' in SIZES (KiB as a number, or 512B, 4k, 4KiB)"
    [[ $b -ge 1 ]] || die "size '$s' in SIZES must be at least 1 byte"
    SIZE_BYTES+=("$b")
done

for tool in taskset getconf awk git; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (Debian: apt-get install -y util-linux gawk git)"
done
if [[ $(nproc --all) -le $SERVER_CPU || $(nproc --all) -le $CLIENT_CPU ]]; then
    die "need CPUs $SERVER_CPU and $CLIENT_CPU (this machine has $(nproc --all))"
fi

# ---------------------------------------------------------------- cleanup ----
SERVER_PID=""
CLIENT_PID=""
cleanup() {
    local status=$?
    if [[ -n $CLIENT_PID ]]; then
        kill -TERM "$CLIENT_PID" 2>/dev/null || true
        wait "$CLIENT_PID" 2>/dev/null || true
    fi
    if [[ -n $SERVER_PID ]]; then stop_server; fi
    rm -rf "$WORK_DIR"
    if [[ $status == 130 || $status == 143 ]]; then log "interrupted; stopped the processes this script started"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ----------------------------------------------------------------- builds ----
BENCH_BIN=""
ACTIVE=""          # the selected servers that can run
SKIPPED=()         # "name<TAB>reason"
PY_PEERS_PYTHON="" # interpreter of the four Python servers
VERSIONS=()        # "what version" for the report

skip() { # name reason
    SKIPPED+=("$1"$'\t'"$2")
    log "skipping $1: $2"
}

build_all() {
    mkdir -p "$C_BUILD_DIR"
    # pronto-bench is the client as well as the pronto server: without it nothing runs.
    if [[ $BUILD == 1 ]]; then
        log "building pronto-bench (swift build -c release --product pronto-bench)"
        if ! (cd "$REPO_ROOT" && nice -n "$BUILD_NICE" swift build -c release --product pronto-bench) >"$WORK_DIR/pronto-bench-build.log" 2>&1; then
            tail -n 30 "$WORK_DIR/pronto-bench-build.log" >&2
            die "could not build pronto-bench in release (swift build -c release --product pronto-bench in $REPO_ROOT failed; last lines above)"
        fi
    fi
    BENCH_BIN="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/pronto-bench"
    [[ -x $BENCH_BIN ]] || die "pronto-bench not found at $BENCH_BIN (run with BUILD=1)"
    VERSIONS+=("$( (swift --version 2>/dev/null || true) | awk 'NR == 1 { print }')")

    local python_wanted=0 s
    for s in uvloop-protocol uvloop-streams asyncio-protocol asyncio-streams; do
        if wants "$s"; then python_wanted=1; fi
    done
    local uvloop_ok=0 uvloop_reason=""
    if [[ $python_wanted == 1 ]]; then
        if [[ $BUILD == 1 ]]; then
            log "setting up the Python venv (Benchmarks/Peers/Python/setup.sh)"
            if ! env -u JAPRONTO_SRC nice -n "$BUILD_NICE" "$PY_PEERS_DIR/setup.sh" >"$WORK_DIR/python-setup.log" 2>&1; then
                tail -n 15 "$WORK_DIR/python-setup.log" >&2
                uvloop_reason="Benchmarks/Peers/Python/setup.sh failed (last lines above)"
            fi
        fi
        if [[ -x $PY_VENV_PYTHON ]]; then
            PY_PEERS_PYTHON=$PY_VENV_PYTHON
            if "$PY_PEERS_PYTHON" -c 'import uvloop' 2>/dev/null; then
                uvloop_ok=1
            else
                uvloop_reason=${uvloop_reason:-"uvloop does not import in Benchmarks/Peers/Python/.venv (run Benchmarks/Peers/Python/setup.sh)"}
            fi
        elif command -v python3 >/dev/null 2>&1; then
            PY_PEERS_PYTHON=$(command -v python3)   # plain asyncio needs nothing but Python
            uvloop_reason=${uvloop_reason:-"no venv at Benchmarks/Peers/Python/.venv (run Benchmarks/Peers/Python/setup.sh, or BUILD=1)"}
        fi
        if [[ -n $PY_PEERS_PYTHON ]]; then
            local pyv
            pyv=$("$PY_PEERS_PYTHON" --version 2>&1)
            if [[ $uvloop_ok == 1 ]]; then pyv+=", uvloop $("$PY_PEERS_PYTHON" -c 'import uvloop; print(uvloop.__version__)')"; fi
            VERSIONS+=("$pyv")
        fi
    fi

    GO_OK=0 NODE_OK=0
    if wants go; then
        if ! command -v go >/dev/null 2>&1; then
            skip go "'go' not found (Debian: apt-get install -y golang-go)"
        elif [[ $BUILD == 1 ]]; then
            log "building the Go echo server (go build -o Benchmarks/.build/echo-go Benchmarks/Echo/echo.go)"
            if (cd "$ECHO_DIR" && nice -n "$BUILD_NICE" go build -o "$GO_BIN" echo.go) >"$WORK_DIR/go-build.log" 2>&1; then
                VERSIONS+=("$(go version)"); GO_OK=1
            else
                tail -n 15 "$WORK_DIR/go-build.log" >&2
                rm -f "$GO_BIN"
                skip go "go build of Benchmarks/Echo/echo.go failed (last lines above)"
            fi
        elif [[ ! -x $GO_BIN ]]; then
            skip go "$GO_BIN missing (run with BUILD=1)"
        else
            VERSIONS+=("$(go version)"); GO_OK=1
        fi
    fi
    if wants node; then
        if command -v node >/dev/null 2>&1; then
            VERSIONS+=("Node $(node --version)"); NODE_OK=1
        else
            skip node "'node' not found (Debian: apt-get install -y nodejs)"
        fi
    fi

    for s in $SERVERS; do
        case $s in
            uvloop-*)
                if [[ -z $PY_PEERS_PYTHON ]]; then skip "$s" "no Python interpreter (python3 not found)"; continue; fi
                if [[ $uvloop_ok != 1 ]]; then skip "$s" "$uvloop_reason"; continue; fi ;;
            asyncio-*)
                if [[ -z $PY_PEERS_PYTHON ]]; then skip "$s" "no Python interpreter (python3 not found)"; continue; fi ;;
            go) [[ $GO_OK == 1 ]] || continue ;;
            node) [[ $NODE_OK == 1 ]] || continue ;;
        esac
        ACTIVE+="$s "
    done
    [[ -n ${ACTIVE// } ]] || die "none of the selected servers ($SERVERS) can run here (reasons above)"
}

# ---------------------------------------------------------------- servers ----
server_cmd() { # name port -> prints the command, one word per line
    case $1 in
        pronto) printf '%s\n' "$BENCH_BIN" echo-server --host 127.0.0.1 --port "$2" --threads 1 ;;
        uvloop-protocol) printf '%s\n' "$PY_PEERS_PYTHON" "$ECHO_DIR/uvloop_echo.py" --host 127.0.0.1 --port "$2" --mode protocol --loop uvloop ;;
        uvloop-streams) printf '%s\n' "$PY_PEERS_PYTHON" "$ECHO_DIR/uvloop_echo.py" --host 127.0.0.1 --port "$2" --mode streams --loop uvloop ;;
        asyncio-protocol) printf '%s\n' "$PY_PEERS_PYTHON" "$ECHO_DIR/uvloop_echo.py" --host 127.0.0.1 --port "$2" --mode protocol --loop asyncio ;;
        asyncio-streams) printf '%s\n' "$PY_PEERS_PYTHON" "$ECHO_DIR/uvloop_echo.py" --host 127.0.0.1 --port "$2" --mode streams --loop asyncio ;;
        go) printf '%s\n' env GOMAXPROCS=1 "$GO_BIN" --host 127.0.0.1 --port "$2" ;;
        node) printf '%s\n' node "$ECHO_DIR/echo.js" --host 127.0.0.1 --port "$2" ;;
    esac
}

echoes() { # port: true when a line sent comes back
    (
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf 'pronto-echo-check\n' >&3
        IFS= read -r -t 2 line <&3 && [[ $line == pronto-echo-check ]]
    ) 2>/dev/null
}

PORT=""
start_server() { # name -> sets SERVER_PID, PORT
    local name=$1 cmd=() attempt
    for attempt in 1 2 3; do
        PORT=$(pick_port)
        mapfile -t cmd < <(server_cmd "$name" "$PORT")
        local logf="$WORK_DIR/$name.log"
        # taskset and env exec the server: $! is the server's own PID.
        taskset -c "$SERVER_CPU" "${cmd[@]}" >"$logf" 2>&1 &
        SERVER_PID=$!
        local deadline=$((SECONDS + STARTUP_TIMEOUT))
        while [[ $SECONDS -lt $deadline ]]; do
            if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
            if echoes "$PORT"; then return 0; fi
            sleep 0.1
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            stop_server
            tail -n 20 "$logf" >&2
            die "$name did not echo on port $PORT within ${STARTUP_TIMEOUT}s"
        fi
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
        log "$name exited during startup on port $PORT (attempt $attempt):"
        tail -n 10 "$logf" >&2
    done
    die "$name failed to start"
}

children_cpu_s() { # file written by `times` -> user+sys seconds of the reaped children
    awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub(/s$/, "", p[2]); n += p[1] * 60 + p[2] } printf "%.3f", n }' "$1"
}

CLIENT_CPU_S=0
run_echo() { # bytes seconds outfile -> status of pronto-bench echo; sets CLIENT_CPU_S
    local status=0
    # `times` in this shell (not in a subshell, whose counters start at zero): the children's
    # CPU time grows by the client's alone while we wait for it, from rusage, not clock ticks.
    times >"$WORK_DIR/times.0"
    taskset -c "$CLIENT_CPU" "$BENCH_BIN" echo --host 127.0.0.1 --port "$PORT" -s "$1" \
        --concurrency "$CONNECTIONS" -d "${2}s" --threads 1 --json >"$3" 2>&1 &
    # In the background so that a signal to this script is handled at once (see cleanup).
    CLIENT_PID=$!
    wait "$CLIENT_PID" || status=$?
    CLIENT_PID=""
    times >"$WORK_DIR/times.1"
    CLIENT_CPU_S=$(awk -v a="$(children_cpu_s "$WORK_DIR/times.0")" -v b="$(children_cpu_s "$WORK_DIR/times.1")" 'BEGIN { printf "%.3f", b - a }')
    return "$status"
}

json_field() { # file key -> the first number of "key" in pronto-bench echo --json
    sed -n 's/^ *"'"$2"'" *: *\([-0-9.eE+]*\).*/\1/p' "$1" | head -n 1
}

# ---------------------------------------------------------------- main ----
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg) # before our own builds
if awk -v l="${LOADAVG%% *}" 'BEGIN { exit !(l > 0.5) }'; then
    log "WARNING: load average is $LOADAVG: something else is running, figures will be noisy"
fi
GIT_REV=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo none)
# Dirty: `git status --porcelain` lists anything but the benchmark results themselves.
GIT_DIRTY=$(tree_is_dirty "$REPO_ROOT")
build_all

TIMESTAMP=$(date -u +%Y-%m-%dT%H:%M:%SZ)
log "servers: ${ACTIVE% }; sizes: $(for b in "${SIZE_BYTES[@]}"; do printf "%s " "$(size_label "$b")"; done | sed "s/ $//"); DURATION=${DURATION}s WARMUP=${WARMUP}s connections=$CONNECTIONS; server on CPU $SERVER_CPU, client on CPU $CLIENT_CPU"
: >"$RESULTS_TSV"
# results.tsv: server label bytes messages duration_s messages_per_s mib_per_s server_ticks errors status client_cpu_s

for server in $ACTIVE; do
    start_server "$server"
    log "$server echoing on 127.0.0.1:$PORT (pid $SERVER_PID)"
    dead=0
    for bytes in "${SIZE_BYTES[@]}"; do
        label=$(size_label "$bytes")
        out="$WORK_DIR/$server-$label.json"
        if [[ $dead == 1 ]]; then
            printf '%s\t%s\t%s\t0\t0\t0\t0\t0\t0\t%s\t0\n' "$server" "$label" "$bytes" "failed: server died" >>"$RESULTS_TSV"
            continue
        fi
        if [[ $WARMUP -gt 0 ]]; then run_echo "$bytes" "$WARMUP" "$WORK_DIR/warmup.json" || true; fi
        t0=$(cpu_ticks "$SERVER_PID" 2>/dev/null || echo 0)
        status=ok
        run_echo "$bytes" "$DURATION" "$out" || status="failed: pronto-bench echo exited with $?"
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            t1=$(cpu_ticks "$SERVER_PID")
        else
            t1=$t0; dead=1; status="failed: server died"
            tail -n 10 "$WORK_DIR/$server.log" >&2
        fi
        messages=$(json_field "$out" messages); messages=${messages:-0}
        seconds=$(json_field "$out" durationSeconds); seconds=${seconds:-0}
        mps=$(json_field "$out" messagesPerSecond); mps=${mps:-0}
        mib=$(json_field "$out" mebibytesPerSecond); mib=${mib:-0}
        errors=$(json_field "$out" errors); errors=${errors:-0}
        if [[ $status == ok && $messages == 0 ]]; then status="failed: no message echoed"; fi
        if [[ $status != ok ]]; then
            head -n 20 "$out" >&2 || true
            log "WARNING: $server $label: $status"
        elif [[ $errors != 0 ]]; then
            log "WARNING: $server $label: $errors connections failed (see the errors column)"
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$label" "$bytes" "$messages" "$seconds" \
            "$mps" "$mib" "$((t1 - t0))" "$errors" "$status" "$CLIENT_CPU_S" >>"$RESULTS_TSV"
        log "$server $label: $(awk -v m="$mps" -v b="$mib" -v t="$((t1 - t0))" -v n="$messages" -v k="$CLK_TCK" \
            'BEGIN { printf "%.0f messages/s, %.1f MiB/s, server CPU %s µs/message", m, b, (n > 0 ? sprintf("%.2f", t / k * 1e6 / n) : "-") }'), errors $errors"
    done
    stop_server
done

# ---------------------------------------------------------------- report ----
mkdir -p "$RESULTS_DIR"
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
KERNEL=$(uname -r)

awk -F'\t' -v OFS='\t' -v tck="$CLK_TCK" '
    {
        rows[NR] = $0
        ok = ($10 == "ok" && $4 > 0)
        if ($1 == "pronto" && ok) { prps[$2] = $6; pcpu[$2] = $8 / tck * 1e6 / $4 }
    }
    END {
        for (i = 1; i <= NR; i++) {
            split(rows[i], f, "\t")
            ok = (f[10] == "ok" && f[4] > 0)
            cpu = ok ? f[8] / tck * 1e6 / f[4] : -1
            cpu_us = ok ? sprintf("%.2f", cpu) : "-"
            util = (ok && f[5] > 0) ? sprintf("%.0f", f[8] / tck / f[5] * 100) : "-"
            rps = ok ? sprintf("%.1f", f[6]) : "-"
            mib = ok ? sprintf("%.1f", f[7]) : "-"
            r_rps = (ok && (f[2] in prps) && f[6] > 0) ? sprintf("%.2f", prps[f[2]] / f[6]) : "-"
            r_cpu = (ok && (f[2] in pcpu) && cpu > 0) ? sprintf("%.2f", pcpu[f[2]] / cpu) : "-"
            cutil = (ok && f[5] > 0) ? sprintf("%.0f", f[11] / f[5] * 100) : "-"
            print f[1], f[2], f[3], rps, mib, cpu_us, util, r_rps, r_cpu, f[9], f[4], f[5], f[10], cutil
        }
    }' "$RESULTS_TSV" >"$WORK_DIR/final.tsv"
# final.tsv: server label bytes msg_per_s mib_per_s cpu_us_per_msg cpu% pronto/rps pronto/cpu errors messages duration_s status client_cpu%

MD="$RESULTS_DIR/echo-latest.md"
JSON="$RESULTS_DIR/echo-latest.json"
VERSIONS_TEXT=$(IFS=';'; echo "${VERSIONS[*]}"); VERSIONS_TEXT=${VERSIONS_TEXT//;/, }
{
    echo "# TCP echo (the uvloop toolbench)"
    echo
    echo "$TIMESTAMP, commit $GIT_REV$([[ $GIT_DIRTY == true ]] && echo ' (dirty tree)'), $CPU_MODEL, Linux $KERNEL; $VERSIONS_TEXT; load average at start $LOADAVG."
    echo "\`pronto-bench echo --concurrency $CONNECTIONS -d ${DURATION}s\` (one thread, one message in flight per connection) on CPU $CLIENT_CPU after a ${WARMUP}s warm-up per size; each server one process on CPU $SERVER_CPU."
    if [[ $DURATION -lt 5 ]]; then
        echo
        echo "**Short functional run (DURATION=${DURATION}s < 5 s): figures to be re-measured.**"
    fi
    echo
    echo "| server | size | messages/s | MiB/s | server CPU µs/message | server CPU % | client CPU % | Pronto ÷ this, messages/s | Pronto ÷ this, CPU/message | errors |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk -F'\t' '
        function grouped(v,   s, n) { if (v == "-") return v; s = sprintf("%.0f", v); n = ""; while (length(s) > 3) { n = "," substr(s, length(s) - 2) n; s = substr(s, 1, length(s) - 3) } return s n }
        { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, ($13 == "ok" ? grouped($4) : $13), $5, $6, $7, $14, $8, $9, $10 }' "$WORK_DIR/final.tsv"
    echo
    echo "CPU % is of one CPU over the measured run (server: utime+stime from /proc/PID/stat; client: its rusage). A server below 100 % while the client is near 100 % was waiting on the client: its messages/s is the client's ceiling, and CPU/message is the figure to compare; both well below 100 %: the CPUs were shared with other work."
    if [[ ${#SKIPPED[@]} -gt 0 ]]; then
        echo
        for entry in "${SKIPPED[@]}"; do echo "Skipped \`${entry%%$'\t'*}\`: ${entry#*$'\t'}."; done
    fi
} >"$MD"

json_str() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
{
    printf '{\n'
    printf '  "timestamp": "%s",\n  "commit": "%s",\n  "dirty": %s,\n  "cpu": %s,\n  "kernel": "%s",\n  "versions": %s,\n  "loadavg_at_start": "%s",\n' \
        "$TIMESTAMP" "$GIT_REV" "$GIT_DIRTY" "$(json_str "$CPU_MODEL")" "$KERNEL" "$(json_str "$VERSIONS_TEXT")" "$LOADAVG"
    printf '  "config": {"duration_s": %s, "warmup_s": %s, "connections": %s, "sizes_bytes": [%s], "server_cpu": %s, "client_cpu": %s, "clk_tck": %s},\n' \
        "$DURATION" "$WARMUP" "$CONNECTIONS" "$(IFS=,; echo "${SIZE_BYTES[*]}")" "$SERVER_CPU" "$CLIENT_CPU" "$CLK_TCK"
    printf '  "skipped": ['
    first=1
    for entry in "${SKIPPED[@]}"; do
        [[ $first == 1 ]] || printf ', '
        first=0
        printf '{"server": %s, "reason": %s}' "$(json_str "${entry%%$'\t'*}")" "$(json_str "${entry#*$'\t'}")"
    done
    printf '],\n  "results": [\n'
    awk -F'\t' '
        function num(v) { return (v == "-" || v == "") ? "null" : v }
        function str(v) { gsub(/\\/, "\\\\", v); gsub(/"/, "\\\"", v); return "\"" v "\"" }
        {
            if (NR > 1) printf ",\n"
            printf "    {\"server\": \"%s\", \"scenario\": \"echo-%s\", \"size_bytes\": %s, \"messages_per_second\": %s, \"mebibytes_per_second\": %s, \"server_cpu_us_per_message\": %s, \"server_cpu_percent\": %s, \"client_cpu_percent\": %s, \"pronto_ratio_messages_per_second\": %s, \"pronto_ratio_cpu_per_message\": %s, \"errors\": %s, \"messages\": %s, \"duration_s\": %s, \"status\": %s}",
                $1, $2, $3, num($4), num($5), num($6), num($7), num($14), num($8), num($9), $10, $11, $12, str($13)
        }
        END { if (NR > 0) printf "\n" }' "$WORK_DIR/final.tsv"
    printf '  ]\n}\n'
} >"$JSON"

HISTORY_FILE="$RESULTS_DIR/history.jsonl"
if [[ $HISTORY == 1 ]]; then
    # One line per (server, size) that ran; the shared format of run.sh's lines too.
    awk -F'\t' -v commit="$GIT_REV" -v dirty="$GIT_DIRTY" -v date="$TIMESTAMP" '
        $13 == "ok" {
            printf "{\"commit\":\"%s\",\"dirty\":%s,\"date\":\"%s\",\"source\":\"echo.sh\",\"server\":\"%s\",\"scenario\":\"echo-%s\",\"rps\":%s,\"cpu_us\":%s}\n",
                commit, dirty, date, $1, $2, $4, ($6 == "-" ? "null" : $6)
        }' "$WORK_DIR/final.tsv" >>"$HISTORY_FILE"
    history_note="appended $(awk -F'\t' '$13 == "ok"' "$WORK_DIR/final.tsv" | wc -l) lines to $HISTORY_FILE"
else
    history_note="not appended to $HISTORY_FILE (DURATION < 5; HISTORY=1 forces it)"
fi

echo
cat "$MD"
echo
log "wrote $MD and $JSON; $history_note"
