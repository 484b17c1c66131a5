# Shell helpers shared by the benchmark scripts (run.sh, echo.sh, extensions.sh), sourced
# after each defines `log` and `die`. The caller keeps its server's PID in SERVER_PID.

# True when something listens on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A free port in 20000..49999.
pick_port() {
    local port tries
    for tries in $(seq 1 200); do
        port=$((20000 + RANDOM % 30000))
        if ! port_in_use "$port"; then echo "$port"; return 0; fi
    done
    die "no free port found"
}

# pid -> utime+stime of the whole process (all its threads), in clock ticks.
cpu_ticks() {
    local stat rest f
    stat=$(<"/proc/$1/stat")
    rest=${stat##*) }
    read -ra f <<<"$rest"
    echo $((f[11] + f[12]))
}

# Stops the server in SERVER_PID (SIGTERM, SIGKILL after 5 s) and clears SERVER_PID.
stop_server() {
    local pid=$SERVER_PID
    [[ -n $pid ]] || return 0
    SERVER_PID=""
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + 5))
        while kill -0 "$pid" 2>/dev/null && [[ $SECONDS -lt $deadline ]]; do sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            log "server pid $pid ignored SIGTERM; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
}

# Prints true when the tree at $1 differs from its commit (changed or untracked files, as
# `git status --porcelain` lists them; Benchmarks/results, where results and the history are
# written, aside), false otherwise: the history's "dirty".
tree_is_dirty() {
    if [[ -n $(git -C "$1" status --porcelain -- ':(top)' ':(top,exclude)Benchmarks/results' 2>/dev/null) ]]; then
        echo true
    else
        echo false
    fi
}
