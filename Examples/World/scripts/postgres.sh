#!/usr/bin/env bash
# A throwaway PostgreSQL for the World example's tests and benchmarks.
#
#   postgres.sh start [--dir DIR] [--port PORT] [--auth md5|trust]
#   postgres.sh stop  [--dir DIR]
#   postgres.sh url   [--port PORT]
#   postgres.sh reset [--dir DIR] [--port PORT] [--auth md5|trust]
#
# The cluster lives in DIR/data (default Examples/World/.postgres), listens on
# 127.0.0.1:PORT (default 15432) and on a UNIX socket in DIR, and logs to
# DIR/postgres.log. It holds TechEmpower's database: role benchmarkdbuser
# (password benchmarkdbpass) owning database hello_world, loaded from
# world.sql beside this script.
#
# `start` and `reset` end with the line DATABASE_URL=postgres://... on stdout;
# every progress message goes to stderr, so
#   eval "export $(Examples/World/scripts/postgres.sh start | tail -n 1)"
# sets the variable.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../../.." && pwd)
WORLD_SQL="$SCRIPT_DIR/world.sql"

DB_USER=benchmarkdbuser
DB_PASS=benchmarkdbpass
DB_NAME=hello_world
# The cluster's superuser; reached without a password on the UNIX socket only.
SUPERUSER=postgres

DIR="$REPO_ROOT/Examples/World/.postgres"
# Below the kernel's ephemeral range (32768-60999), so no outgoing connection holds it.
PORT=15432
AUTH=md5

log() { echo "postgres.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    cat >&2 <<EOF
usage: $(basename "$0") COMMAND [OPTIONS]

commands:
  start [--dir DIR] [--port PORT] [--auth md5|trust]
                      create the cluster if needed, start it, print DATABASE_URL
  stop  [--dir DIR]   stop the cluster (fine if it is not running)
  url   [--port PORT] print DATABASE_URL
  reset [--dir DIR] [--port PORT] [--auth md5|trust]
                      start if needed, reload world.sql (fresh tables), print DATABASE_URL

defaults: --dir $REPO_ROOT/Examples/World/.postgres --port 15432 --auth md5
EOF
}

url_line() {
    echo "DATABASE_URL=postgres://$DB_USER:$DB_PASS@127.0.0.1:$1/$DB_NAME"
}

# --- arguments -------------------------------------------------------------

[[ $# -ge 1 ]] || { usage; exit 2; }
COMMAND=$1
shift
case "$COMMAND" in
    start | stop | url | reset) ;;
    -h | --help | help) usage; exit 0 ;;
    *) log "unknown command: $COMMAND"; usage; exit 2 ;;
esac

while [[ $# -gt 0 ]]; do
    case "$1" in
        --dir) [[ $# -ge 2 ]] || { usage; exit 2; }; DIR=$2; shift 2 ;;
        --port) [[ $# -ge 2 ]] || { usage; exit 2; }; PORT=$2; shift 2 ;;
        --auth) [[ $# -ge 2 ]] || { usage; exit 2; }; AUTH=$2; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) log "unknown option: $1"; usage; exit 2 ;;
    esac
done
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
    log "bad port: $PORT"
    exit 2
fi
[[ "$AUTH" == md5 || "$AUTH" == trust ]] || { log "bad --auth: $AUTH (md5 or trust)"; exit 2; }

if [[ "$COMMAND" == url ]]; then
    url_line "$PORT"
    exit 0
fi

# --- helpers ---------------------------------------------------------------

IS_ROOT=0
[[ $(id -u) -eq 0 ]] && IS_ROOT=1

# Runs a PostgreSQL server command (initdb, pg_ctl). initdb and postgres refuse
# to run as root, so as root they run as the `postgres` system user.
as_pg() {
    if ((IS_ROOT)); then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The newest installed server's bin directory, or nothing.
find_pg_bin() {
    local initdb
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$initdb" ]] && dirname "$initdb"
    return 0
}

install_postgres() {
    log "PostgreSQL server binaries missing: installing the postgresql package"
    local sudo=()
    if ((!IS_ROOT)); then
        command -v sudo >/dev/null || die "not root and no sudo: install the postgresql package first"
        sudo=(sudo)
    fi
    # Debian's package creates and may start a default cluster on port 5432:
    # it is no part of this script and is left alone.
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

# psql on the UNIX socket in DIR; the connection arguments follow.
psql_socket() {
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$RUN_PORT" "$@"
}

# Loads world.sql as the tables' owner, authenticating with the role's password.
load_world() {
    log "loading $(basename "$WORLD_SQL") into $DB_NAME"
    PGPASSWORD=$DB_PASS psql_socket -U "$DB_USER" -d "$DB_NAME" -f "$WORLD_SQL" >&2
}

is_running() {
    # pg_ctl status: 0 running, 3 not running, 4 no usable data directory.
    [[ -f "$DATA/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

# The port the running server listens on: line 4 of postmaster.pid.
running_port() {
    sed -n 4p "$DATA/postmaster.pid"
}

# The settings this script owns, rewritten at every start so --port takes
# effect on an existing cluster; postgresql.conf includes this file.
write_config() {
    cat >"$DATA/pronto.conf" <<EOF
# Written by postgres.sh at every start: edits here are lost.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 300
# Benchmark settings, as in TechEmpower's PostgreSQL configuration: durability
# is traded for speed (a crash may lose or corrupt data: fine for a throwaway
# database that world.sql recreates).
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
# TechEmpower stores md5 passwords (PostgreSQL 14+ defaults to SCRAM).
password_encryption = md5
# Log to stderr, which pg_ctl -l sends to DIR/postgres.log.
logging_collector = off
EOF
    # The superuser may connect on the socket without a password (for this
    # script's set-up); everyone else authenticates with AUTH.
    cat >"$DATA/pg_hba.conf" <<EOF
# Written by postgres.sh at every start: edits here are lost.
# TYPE  DATABASE  USER         ADDRESS        METHOD
local   all       $SUPERUSER                  trust
local   all       all                         $AUTH
host    all       all          127.0.0.1/32   $AUTH
EOF
    if ((IS_ROOT)); then
        chown postgres: "$DATA/pronto.conf" "$DATA/pg_hba.conf"
    fi
}

# Creates the role, the database and the tables when missing, so a set-up that
# was interrupted half-way is completed by the next start. Sets LOADED=1 when
# it loaded world.sql.
LOADED=0
ensure_database() {
    local sql has
    sql="SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'"
    has=$(psql_socket -U "$SUPERUSER" -d postgres -tAc "$sql")
    if [[ "$has" != 1 ]]; then
        log "creating role $DB_USER"
        psql_socket -U "$SUPERUSER" -d postgres \
            -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASS'" >&2
    fi
    sql="SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'"
    has=$(psql_socket -U "$SUPERUSER" -d postgres -tAc "$sql")
    if [[ "$has" != 1 ]]; then
        log "creating database $DB_NAME"
        psql_socket -U "$SUPERUSER" -d postgres \
            -c "CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0" >&2
    fi
    sql="SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('world', 'fortune')"
    has=$(psql_socket -U "$SUPERUSER" -d "$DB_NAME" -tAc "$sql")
    if [[ "$has" != 2 ]]; then
        load_world
        LOADED=1
    fi
}

# Creates (if needed) and starts the cluster; sets RUN_PORT.
start_cluster() {
    if is_running; then
        RUN_PORT=$(running_port)
        if [[ "$RUN_PORT" != "$PORT" ]]; then
            log "already running on port $RUN_PORT (not $PORT): stop it first to change the port"
        else
            log "already running"
        fi
        return 0
    fi

    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        log "creating a cluster in $DATA"
        if ((IS_ROOT)); then
            chown postgres: "$DIR"
        fi
        as_pg test -w "$DIR" ||
            die "$DIR is not writable (by the postgres user when run as root)"
        # C collation: byte order, the same on every machine; UTF-8 for the
        # fortunes. --no-sync: nothing here needs to survive a power cut.
        as_pg "$PG_BIN/initdb" -D "$DATA" -U "$SUPERUSER" --encoding=UTF8 --locale=C \
            --auth=trust --no-sync >&2
        echo "include 'pronto.conf'" | as_pg tee -a "$DATA/postgresql.conf" >/dev/null
    fi

    write_config
    log "starting on 127.0.0.1:$PORT (log: $DIR/postgres.log)"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$DIR/postgres.log" -w -t 60 start >&2; then
        tail -n 20 "$DIR/postgres.log" >&2 || true
        die "the server did not start (see $DIR/postgres.log)"
    fi
    RUN_PORT=$PORT
}

# --- commands --------------------------------------------------------------

# DIR must be absolute: it is also the socket directory in the server's config.
if [[ "$COMMAND" == stop && ! -d "$DIR" ]]; then
    log "nothing to stop: $DIR does not exist"
    exit 0
fi
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
DATA="$DIR/data"

PG_BIN=$(find_pg_bin)
if [[ -z "$PG_BIN" ]]; then
    [[ "$COMMAND" == stop ]] && { log "PostgreSQL is not installed: nothing to stop"; exit 0; }
    install_postgres
    PG_BIN=$(find_pg_bin)
    [[ -n "$PG_BIN" ]] || die "installing postgresql gave no /usr/lib/postgresql/*/bin/initdb"
fi

case "$COMMAND" in
    start)
        start_cluster
        ensure_database
        url_line "$RUN_PORT"
        ;;
    reset)
        start_cluster
        ensure_database
        # A cluster created just now already has fresh tables.
        ((LOADED)) || load_world
        url_line "$RUN_PORT"
        ;;
    stop)
        if is_running; then
            log "stopping"
            as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
        else
            log "not running"
        fi
        ;;
esac
