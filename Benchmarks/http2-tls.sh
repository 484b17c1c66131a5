#!/usr/bin/env bash
# HTTP/2 and TLS benchmarks: Pronto's `hello` against Hummingbird 2's HTTP/2 server and
# nginx, each server on CPU 0 (one thread / one worker), the load on CPU 1. See README.md.
#
#   Benchmarks/http2-tls.sh
#   DURATION=5 SCENARIOS="h2-tls tls-h1" Benchmarks/http2-tls.sh
#
# Scenarios (GET /plaintext):
#   h2-tls      h2load -c100 -m10 over TLS (ALPN h2)
#   h2c         h2load -c100 -m10 over cleartext (prior knowledge)
#   tls-h1      wrk -c100 over TLS, HTTP/1.1 keep-alive
#   handshakes  wrk -c100 over TLS with `Connection: close`: a new TLS connection per request
# Environment: DURATION=10 (seconds per run), SERVERS="pronto hummingbird nginx",
#   SCENARIOS="h2-tls h2c tls-h1 handshakes", BUILD=1, SERVER_CPU=0 CLIENT_CPU=1.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$BENCH_DIR")
DURATION=${DURATION:-10}
SERVERS=${SERVERS:-"pronto hummingbird nginx"}
SCENARIOS=${SCENARIOS:-"h2-tls h2c tls-h1 handshakes"}
BUILD=${BUILD:-1}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
CLK_TCK=$(getconf CLK_TCK)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pronto-h2bench.XXXXXX")
SERVER_PID=""

cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "installing $2"; apt-get install -y -q "$2" >/dev/null; }; }
need h2load nghttp2-client
need wrk wrk
need openssl openssl
[[ -x /usr/sbin/nginx ]] || { echo "installing nginx"; apt-get install -y -q nginx-light >/dev/null; }

if [[ "$BUILD" == 1 ]]; then
    (cd "$REPO_ROOT" && nice swift build -c release --product hello)
    [[ " $SERVERS " == *" hummingbird "* ]] && (cd "$BENCH_DIR/Peers" && nice swift build -c release --product hummingbird-http2)
fi
HELLO="$REPO_ROOT/.build/release/hello"
HUMMINGBIRD="$BENCH_DIR/Peers/.build/release/hummingbird-http2"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
    -days 1 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null

TLS_PORT=18443
CLEAR_PORT=18080

nginx_config() {
    cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    ssl_protocols TLSv1.2 TLSv1.3;
    server {
        listen 127.0.0.1:$TLS_PORT ssl http2;
        listen 127.0.0.1:$CLEAR_PORT http2;
        ssl_certificate $WORK/cert.pem;
        ssl_certificate_key $WORK/key.pem;
        location /plaintext { default_type text/plain; return 200 "Hello, World!"; }
    }
    server {
        listen 127.0.0.1:$((TLS_PORT + 1)) ssl;
        ssl_certificate $WORK/cert.pem;
        ssl_certificate_key $WORK/key.pem;
        location /plaintext { default_type text/plain; return 200 "Hello, World!"; }
    }
}
CONF
}

# Starts server $1 for scenario $2; sets SERVER_PID and URL.
start_server() {
    local server=$1 scenario=$2 tls=1 port=$TLS_PORT
    [[ "$scenario" == h2c ]] && { tls=0; port=$CLEAR_PORT; }
    case $server in
    pronto)
        if [[ $tls == 1 ]]; then
            local http2=""
            [[ "$scenario" == h2-tls ]] && http2="--http2"
            taskset -c "$SERVER_CPU" "$HELLO" --threads 1 --port $port --log-level warning --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" $http2 &
        else
            taskset -c "$SERVER_CPU" "$HELLO" --threads 1 --port $port --log-level warning --http2 &
        fi ;;
    hummingbird)
        if [[ $tls == 1 ]]; then
            taskset -c "$SERVER_CPU" "$HUMMINGBIRD" --port $port --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" >/dev/null &
        else
            taskset -c "$SERVER_CPU" "$HUMMINGBIRD" --port $port >/dev/null &
        fi ;;
    nginx)
        nginx_config
        # nginx's HTTP/1.1-only TLS server is the next port (no ALPN h2 there).
        [[ "$scenario" == tls-h1 || "$scenario" == handshakes ]] && port=$((TLS_PORT + 1))
        taskset -c "$SERVER_CPU" /usr/sbin/nginx -c "$WORK/nginx.conf" &
        ;;
    esac
    SERVER_PID=$!
    local scheme=https
    [[ $tls == 0 ]] && scheme=http
    URL="$scheme://127.0.0.1:$port/plaintext"
    for _ in $(seq 1 300); do
        if curl -sk --max-time 1 ${tls:+} "$URL" -o /dev/null $([[ $tls == 0 ]] && echo --http2-prior-knowledge) 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "$server did not start" >&2
    return 1
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

# CPU ticks (user + system) of the server's process (nginx: its worker too).
cpu_ticks() {
    local total=0 pid
    for pid in $SERVER_PID $(pgrep -P "$SERVER_PID" 2>/dev/null || true); do
        [[ -r /proc/$pid/stat ]] || continue
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    echo $total
}

# Runs the load for scenario $1 against $URL; prints req/s.
load() {
    case $1 in
    h2-tls | h2c)
        taskset -c "$CLIENT_CPU" h2load -c100 -m10 -t1 -D "$DURATION" --warm-up-time=1 "$URL" 2>&1 \
            | awk '/^finished in/ { gsub(",", "", $4); print $4 }' ;;
    tls-h1)
        taskset -c "$CLIENT_CPU" wrk -t1 -c100 -d"${DURATION}s" "$URL" | awk '/^Requests\/sec/ { print $2 }' ;;
    handshakes)
        taskset -c "$CLIENT_CPU" wrk -t1 -c100 -d"${DURATION}s" -H "Connection: close" "$URL" | awk '/^Requests\/sec/ { print $2 }' ;;
    esac
}

printf "%-11s %-12s %12s %10s %8s\n" scenario server "req/s" "µs/req" "cpu%"
for scenario in $SCENARIOS; do
    for server in $SERVERS; do
        [[ "$server" == hummingbird && ( "$scenario" == tls-h1 || "$scenario" == handshakes ) ]] && continue
        start_server "$server" "$scenario"
        [[ "$scenario" != h2* ]] && taskset -c "$CLIENT_CPU" wrk -t1 -c100 -d1s "$URL" >/dev/null 2>&1 || true
        before=$(cpu_ticks)
        start=$(date +%s.%N)
        rps=$(load "$scenario")
        after=$(cpu_ticks)
        end=$(date +%s.%N)
        stop_server
        awk -v s="$scenario" -v n="$server" -v r="$rps" -v t=$((after - before)) -v hz="$CLK_TCK" -v a="$start" -v b="$end" \
            'BEGIN { busy = t / hz / (b - a); printf "%-11s %-12s %12.0f %10.2f %7.0f%%\n", s, n, r, (r > 0 ? busy / r * 1e6 : 0), busy * 100 }'
    done
done
