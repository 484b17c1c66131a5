#!/usr/bin/env bash
# Runs an application server behind nginx (nginx.conf.template beside this
# script), in the foreground, until SIGTERM/SIGINT or until either exits.
#
#   behind-nginx.sh --port PORT --upstream unix|tcp [--nginx-cpu N] [--server-cpu N] \
#       -- SERVER_COMMAND...
#
# SERVER_COMMAND must contain the placeholder {bind}, replaced by
#   --unix-socket RUNDIR/app.sock          (--upstream unix)
#   --host 127.0.0.1 --port FREE_PORT      (--upstream tcp)
# e.g.
#   behind-nginx.sh --port 18080 --upstream unix -- .build/release/hello {bind}
# nginx listens on 127.0.0.1:PORT. --nginx-cpu/--server-cpu pin each with
# taskset -c. "ready" on stderr says both accept connections.
#
# The server command should be (or exec) the server itself: the children are
# stopped by PID (TERM, then KILL after 5 s), so a process a wrapper forks
# would be left behind.
#
# From another script, stop it with SIGTERM: a command started with & by a
# non-interactive shell ignores SIGINT, and bash cannot trap a signal that was
# ignored when it started (Ctrl-C in a terminal works).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEMPLATE="$SCRIPT_DIR/nginx.conf.template"
# Bounds on the waits for the children to accept connections, and to stop.
START_TIMEOUT=30
STOP_TIMEOUT=5

log() { echo "behind-nginx: $*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    cat >&2 <<'EOF'
usage: behind-nginx.sh --port PORT --upstream unix|tcp [--nginx-cpu N] [--server-cpu N] -- SERVER_COMMAND...
  SERVER_COMMAND contains {bind}, replaced by "--unix-socket PATH" (unix)
  or "--host 127.0.0.1 --port P" (tcp, P a free port).
EOF
}

# --- arguments -------------------------------------------------------------

PORT=""
UPSTREAM_KIND=""
NGINX_CPU=""
SERVER_CPU=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --port) [[ $# -ge 2 ]] || { usage; exit 2; }; PORT=$2; shift 2 ;;
        --upstream) [[ $# -ge 2 ]] || { usage; exit 2; }; UPSTREAM_KIND=$2; shift 2 ;;
        --nginx-cpu) [[ $# -ge 2 ]] || { usage; exit 2; }; NGINX_CPU=$2; shift 2 ;;
        --server-cpu) [[ $# -ge 2 ]] || { usage; exit 2; }; SERVER_CPU=$2; shift 2 ;;
        --) shift; break ;;
        -h | --help) usage; exit 0 ;;
        *) log "unknown option: $1"; usage; exit 2 ;;
    esac
done
SERVER_TEMPLATE=("$@")

if ! [[ "$PORT" =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
    log "--port PORT is required (1...65535)"; usage; exit 2
fi
if [[ "$UPSTREAM_KIND" != unix && "$UPSTREAM_KIND" != tcp ]]; then
    log "--upstream unix|tcp is required"; usage; exit 2
fi
for cpu in "$NGINX_CPU" "$SERVER_CPU"; do
    if [[ -n "$cpu" && ! "$cpu" =~ ^[0-9]+([,-][0-9]+)*$ ]]; then
        log "bad CPU list: $cpu (taskset -c syntax, e.g. 1 or 0,1)"; exit 2
    fi
done
if [[ ${#SERVER_TEMPLATE[@]} -eq 0 ]]; then
    log "no SERVER_COMMAND after --"; usage; exit 2
fi
if [[ "${SERVER_TEMPLATE[*]}" != *"{bind}"* ]]; then
    log "SERVER_COMMAND has no {bind}: the server would not listen where nginx looks"; exit 2
fi

# --- nginx -----------------------------------------------------------------

# /usr/sbin is not on every user's PATH.
find_nginx() {
    command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true
}
NGINX=$(find_nginx)
if [[ -z "$NGINX" ]]; then
    log "nginx missing: installing it with apt-get"
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || die "not root and no sudo: install nginx first"
        sudo=(sudo)
    fi
    # Debian's package may start a system nginx on port 80 (where services can
    # start): that one is no part of this script and is left alone.
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >&2
    NGINX=$(find_nginx)
    [[ -n "$NGINX" ]] || die "installing nginx gave no nginx binary"
fi

# --- run directory, upstream -------------------------------------------------

# Whether HOST_OR_PATH accepts connections: "127.0.0.1 PORT" or a socket path.
accepts() {
    python3 - "$@" <<'EOF'
import socket, sys
try:
    if len(sys.argv) == 3:
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1)
    else:
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(1)
        s.connect(sys.argv[1])
    s.close()
except OSError:
    sys.exit(1)
EOF
}

SERVER_PID=""
NGINX_PID=""
RUN_DIR=""
CLEANED_UP=0

# Whether PID is a child still running (bash reaps exited children as they go).
alive() { [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; }

# Stops both children (TERM, then KILL after STOP_TIMEOUT), removes the run
# directory. Runs once, from a signal trap or the EXIT trap.
cleanup() {
    ((CLEANED_UP)) && return 0
    CLEANED_UP=1
    local pid deadline
    # nginx first: no new requests reach a stopping server.
    for pid in "$NGINX_PID" "$SERVER_PID"; do
        alive "$pid" && kill -TERM "$pid" 2>/dev/null
    done
    deadline=$((SECONDS + STOP_TIMEOUT))
    while { alive "$NGINX_PID" || alive "$SERVER_PID"; } && ((SECONDS < deadline)); do
        sleep 0.1
    done
    for pid in "$NGINX_PID" "$SERVER_PID"; do
        if alive "$pid"; then
            log "PID $pid did not stop within ${STOP_TIMEOUT}s: KILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        [[ -n "$pid" ]] && { wait "$pid" 2>/dev/null || true; }
    done
    if [[ -n "$RUN_DIR" && -d "$RUN_DIR" ]]; then
        # nginx's warnings and errors would go with the run directory.
        if [[ -s "$RUN_DIR/error.log" ]]; then
            log "nginx error log (last lines):"
            tail -n 20 "$RUN_DIR/error.log" | sed 's/^/  /' >&2
        fi
        rm -rf "$RUN_DIR"
    fi
    return 0
}

# shellcheck disable=SC2317 # (called by the traps below)
on_signal() {
    log "$1: stopping"
    cleanup
    exit 0
}
trap cleanup EXIT
trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGINT' INT
trap 'on_signal SIGHUP' HUP

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/behind-nginx.XXXXXX")

if [[ "$UPSTREAM_KIND" == unix ]]; then
    SOCKET="$RUN_DIR/app.sock"
    UPSTREAM="unix:$SOCKET"
    BIND=(--unix-socket "$SOCKET")
    UPSTREAM_ADDR=("$SOCKET")
else
    # A port the kernel says is free now. Another process could take it before
    # the server binds it; the server then fails to start and we stop.
    APP_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    UPSTREAM="127.0.0.1:$APP_PORT"
    BIND=(--host 127.0.0.1 --port "$APP_PORT")
    UPSTREAM_ADDR=(127.0.0.1 "$APP_PORT")
fi

# {bind} alone is replaced by its words; inside a longer word (sh -c '...')
# by the words joined with spaces.
SERVER_COMMAND=()
for word in "${SERVER_TEMPLATE[@]}"; do
    if [[ "$word" == "{bind}" ]]; then
        SERVER_COMMAND+=("${BIND[@]}")
    else
        SERVER_COMMAND+=("${word//\{bind\}/${BIND[*]}}")
    fi
done

# The config, from the template.
CONF=$(<"$TEMPLATE")
if [[ $(id -u) -eq 0 ]]; then
    USER_LINE="user root;"
else
    USER_LINE="# (not root: workers run as the current user)"
fi
CONF=${CONF//@RUNDIR@/$RUN_DIR}
CONF=${CONF//@UPSTREAM@/$UPSTREAM}
CONF=${CONF//@PORT@/$PORT}
CONF=${CONF//@USER_LINE@/$USER_LINE}
printf '%s\n' "$CONF" >"$RUN_DIR/nginx.conf"
# -p and -e: no prefix or startup error log under /etc, /usr/share or /var.
NGINX_ARGS=(-p "$RUN_DIR" -e "$RUN_DIR/error.log" -c "$RUN_DIR/nginx.conf")
"$NGINX" "${NGINX_ARGS[@]}" -t -q || die "nginx rejects the generated config ($RUN_DIR/nginx.conf)"

# Sets PINNED to COMMAND..., run on CPU_LIST by taskset when CPU_LIST is set.
# (An array run directly with &, not a function run with &: a function would
# run in a forked subshell, and $! would be the subshell's PID, not the
# command's. taskset execs the command, so the PID stays the command's own.)
pinned() {
    local cpu=$1
    shift
    if [[ -n "$cpu" ]]; then
        PINNED=(taskset -c "$cpu" "$@")
    else
        PINNED=("$@")
    fi
}

# Waits until the child PID accepts connections at ADDR..., or fails.
wait_accepting() {
    local name=$1 pid=$2
    shift 2
    local deadline=$((SECONDS + START_TIMEOUT))
    until accepts "$@"; do
        alive "$pid" || die "$name exited before accepting connections"
        ((SECONDS < deadline)) || die "$name does not accept connections after ${START_TIMEOUT}s"
        sleep 0.1
    done
}

# --- run ---------------------------------------------------------------------

# Someone else on PORT would answer instead of nginx (which would then fail).
if accepts 127.0.0.1 "$PORT"; then
    die "127.0.0.1:$PORT is already in use"
fi

log "server: ${SERVER_COMMAND[*]}${SERVER_CPU:+ (CPU $SERVER_CPU)}"
pinned "$SERVER_CPU" "${SERVER_COMMAND[@]}"
"${PINNED[@]}" &
SERVER_PID=$!
wait_accepting server "$SERVER_PID" "${UPSTREAM_ADDR[@]}"

log "nginx: 127.0.0.1:$PORT -> $UPSTREAM${NGINX_CPU:+ (CPU $NGINX_CPU)}"
pinned "$NGINX_CPU" "$NGINX" "${NGINX_ARGS[@]}" -g 'daemon off;'
"${PINNED[@]}" &
NGINX_PID=$!
wait_accepting nginx "$NGINX_PID" 127.0.0.1 "$PORT"

log "ready: http://127.0.0.1:$PORT (server PID $SERVER_PID, nginx PID $NGINX_PID, PID $$)"

# Until either child exits; a trapped signal interrupts the wait and runs
# on_signal instead.
status=0
wait -n "$SERVER_PID" "$NGINX_PID" || status=$?
if alive "$SERVER_PID"; then
    log "nginx exited (status $status): stopping"
else
    log "server exited (status $status): stopping"
fi
cleanup
exit 1
