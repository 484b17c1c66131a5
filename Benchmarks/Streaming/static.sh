#!/usr/bin/env bash
# Static files: Pronto (hello's /static) against nginx serving the same files, one core
# each (CPU 0), wrk -t1 -c100 on CPU 1, keep-alive. Runs each pair ROUNDS times, interleaved,
# and prints req/s, MiB/s and the server's CPU time per request.
#
#   Benchmarks/Streaming/static.sh .build/release/hello
#   DURATION=10 ROUNDS=3 SIZES="1k 1m" Benchmarks/Streaming/static.sh .build/release/hello
set -euo pipefail
HELLO=${1:?usage: static.sh PATH_TO_RELEASE_HELLO}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-2}
SIZES=${SIZES:-"1k 1m"}
CONNECTIONS=${CONNECTIONS:-100}
command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx-light; }
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pronto-static.XXXXXX")
NGINX_PID=""
HELLO_PID=""
cleanup() {
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
    [ -n "$HELLO_PID" ] && kill "$HELLO_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/public" "$WORK/nginx"
head -c 1024 /dev/urandom > "$WORK/public/1k.bin"
head -c $((1024 * 1024)) /dev/urandom > "$WORK/public/1m.bin"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.05; done; echo "port $1 not up" >&2; exit 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

NGINX_PORT=$(free_port)
cat > "$WORK/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
error_log $WORK/nginx/error.log error;
pid $WORK/nginx/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    types { application/octet-stream bin; }
    client_body_temp_path $WORK/nginx;
    proxy_temp_path $WORK/nginx;
    fastcgi_temp_path $WORK/nginx;
    uwsgi_temp_path $WORK/nginx;
    scgi_temp_path $WORK/nginx;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location /static/ { alias $WORK/public/; }
    }
}
CONF
taskset -c 0 nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
HELLO_PORT=$(free_port)
taskset -c 0 "$HELLO" --port "$HELLO_PORT" --threads 1 --log-level error --public "$WORK/public" &
HELLO_PID=$!
wait_port "$NGINX_PORT"
wait_port "$HELLO_PORT"

CLK_TCK=$(getconf CLK_TCK)
echo "| file | server | round | req/s | MiB/s | server CPU µs/req |"
echo "|---|---|---:|---:|---:|---:|"
for size in $SIZES; do
    for round in $(seq "$ROUNDS"); do
        for server in nginx pronto; do
            if [ "$server" = nginx ]; then port=$NGINX_PORT; pid=$NGINX_PID; else port=$HELLO_PORT; pid=$HELLO_PID; fi
            url="http://127.0.0.1:$port/static/$size.bin"
            taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s "$url" >/dev/null
            before=$(cpu_ticks "$pid")
            out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "$url")
            after=$(cpu_ticks "$pid")
            rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
            errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}')
            bytes=$(echo "$out" | awk '/Transfer\/sec/ {print $2}')
            cpu=$(python3 -c "print(f'{($after - $before) / $CLK_TCK / ($rps * $DURATION) * 1e6:.2f}')")
            echo "| $size | $server | $round | $rps | $bytes | $cpu |${errors:+ $errors}"
        done
    done
done
