#!/usr/bin/env python3
"""The supervisor's tests with real processes: hello --workers against kill -9, SIGHUP,
SIGUSR2 (binary upgrade), SIGTERM, workers that fail at start, and systemd's LISTEN_FDS.

    supervisor.py HELLO_BINARY [--only NAME] [--seconds N]

HELLO_BINARY should be a release build: in debug builds SwiftNIO asserts when a wakeup
finds no connection to accept (swift-nio #3500), which a listening socket shared by
several processes has by design. Needs wrk (scripts/test.sh installs it). Every process is
stopped by PID, every wait is bounded. Prints one line per case; exits 1 when one fails.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serverprocess  # noqa: E402

TWO_CORES = (os.cpu_count() or 1) >= 2


class Supervised:
    """hello --workers N, its log in a file, its status through the control socket."""

    def __init__(self, binary, workers=2, extra=(), env=None, wait_ready=True):
        self.binary = binary
        self.workers = workers
        self.directory = tempfile.mkdtemp(prefix="pronto-supervisor-")
        self.control = os.path.join(self.directory, "control.sock")
        self.port = serverprocess.free_port()
        self.log_path = os.path.join(self.directory, "log")
        self.log = open(self.log_path, "w")
        argv = [binary, "--workers", str(workers), "--port", str(self.port), "--control-socket", self.control,
                "--shutdown-grace", "5", *extra]
        self.process = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        if wait_ready:
            self.wait_until(lambda s: len(s["ready"]) == workers, 20, "all workers ready")

    def status(self):
        """{"supervisor": {...}, "workers": [dict per worker], "ready": [pid...]}, or None."""
        try:
            out = subprocess.run([self.binary, "--status", self.control], capture_output=True, text=True, timeout=10)
        except subprocess.TimeoutExpired:
            return None
        if out.returncode != 0:
            return None
        lines = out.stdout.strip().splitlines()
        head = dict(field.split("=", 1) for field in lines[0].split()[1:])
        names = lines[1].split()
        workers = [dict(zip(names, line.split())) for line in lines[2:]]
        for worker in workers:
            for key in ("slot", "pid", "restarts", "requests", "connections"):
                worker[key] = int(worker[key])
        return {"supervisor": head, "workers": workers,
                "ready": [w["pid"] for w in workers if w["state"] == "ready"]}

    def wait_until(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.status()  # None while an upgraded supervisor makes its socket again
            if status is not None and predicate(status):
                return status, time.monotonic() - (deadline - timeout)
            if self.process.poll() is not None:
                raise AssertionError(f"supervisor exited ({self.process.returncode}) waiting for {what}:\n{self.text()}")
            time.sleep(0.02)
        raise AssertionError(f"timed out after {timeout} s waiting for {what}; status {self.status()}\n{self.text()}")

    def wait_for_log(self, text, count, timeout=10):
        """Until `text` is in the log `count` times."""
        deadline = time.monotonic() + timeout
        while self.text().count(text) < count:
            assert time.monotonic() < deadline, f"no {count}x {text!r} in the log after {timeout} s:\n{self.text()}"
            time.sleep(0.01)

    def text(self):
        self.log.flush()
        return open(self.log_path).read()

    def url(self, path="/plaintext"):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self, timeout=20):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)
        return self.process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def get(port, path="/plaintext"):
    """One request on a new connection: (status, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def wrk(url, seconds, connections=100):
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    if TWO_CORES:
        argv = ["taskset", "-c", "1"] + argv
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 30).stdout
    errors = {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if match:
        errors = dict(zip(errors, map(int, match.groups())))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return requests, errors, int(non2xx.group(1)) if non2xx else 0


def under_load(server, seconds, action, at=1.5):
    """Runs wrk -c100 for `seconds` and `action()` `at` seconds in; returns (wrk's figures, action's result)."""
    result = {}
    load = threading.Thread(target=lambda: result.update(wrk=wrk(server.url(), seconds)))
    load.start()
    time.sleep(at)  # the load's own schedule: the action must land while wrk runs
    acted = action()
    load.join(timeout=seconds + 40)
    return result["wrk"], acted


def case_workers(binary, seconds):
    with Supervised(binary, workers=2) as server:
        status = server.status()
        pids = [w["pid"] for w in status["workers"]]
        assert len(set(pids)) == 2 and server.process.pid not in pids, status
        assert all(os.getpgid(pid) == pid for pid in pids), "each worker leads its own process group"
        for _ in range(40):
            assert get(server.port) == (200, b"Hello, World!")
        status, _ = server.wait_until(lambda s: sum(w["requests"] for w in s["workers"]) >= 40, 5, "40 requests counted")
        served = [w["requests"] for w in status["workers"]]
        assert int(status["supervisor"]["pid"]) == server.process.pid
        return f"2 workers (pids {pids}), 40 requests on new connections served {served}"


def case_kill(binary, seconds):
    with Supervised(binary, workers=2) as server:
        victim = {}

        def kill():
            status = server.status()
            worker = next(w for w in status["workers"] if w["slot"] == 0)
            victim.update(worker)
            os.kill(worker["pid"], signal.SIGKILL)
            killed = time.monotonic()
            after, _ = server.wait_until(
                lambda s: any(w["slot"] == 0 and w["pid"] != worker["pid"] and w["state"] == "ready" for w in s["workers"]),
                5, "a new worker in slot 0")
            return time.monotonic() - killed, after

        (requests, errors, non2xx), (took, after) = under_load(server, seconds, kill)
        failed = sum(errors.values())
        assert took <= 1.0, f"the new worker accepted after {took:.2f} s"
        assert next(w for w in after["workers"] if w["slot"] == 0)["restarts"] == 1, after
        assert failed <= victim["connections"], f"{failed} failed requests > {victim['connections']} connections on the killed worker"
        assert non2xx == 0
        assert "signal 9 (SIGKILL)" in server.text()
        return (f"kill -9 of a worker with {victim['connections']} of 100 connections under wrk: {failed} socket errors "
                f"({errors}), {requests} requests; a new worker ready after {took * 1000:.0f} ms")


def replace_case(sig, name):
    def case(binary, seconds):
        upgrade = sig == signal.SIGUSR2
        if upgrade:
            # A deploy: the executable's path gets a new file (a new inode) while it runs.
            staging = tempfile.mkdtemp(prefix="pronto-deploy-")
            binary = shutil.copy(binary, os.path.join(staging, "hello"))
        with Supervised(binary, workers=2) as server:
            before = server.status()
            old = {w["pid"] for w in before["workers"]}

            def send():
                if upgrade:
                    shutil.copy(binary, binary + ".new")
                    os.rename(binary + ".new", binary)
                    assert os.readlink(f"/proc/{server.process.pid}/exe").endswith("(deleted)")
                os.kill(server.process.pid, sig)
                started = time.monotonic()
                server.wait_until(lambda s: len(s["workers"]) == 2 and len(s["ready"]) == 2 and not (old & set(s["ready"])),
                                  20, "every worker replaced")
                return time.monotonic() - started

            (requests, errors, non2xx), took = under_load(server, seconds, send)
            after = server.status()
            assert sum(errors.values()) == 0 and non2xx == 0, f"wrk: {errors}, {non2xx} non-2xx"
            assert server.process.poll() is None and int(after["supervisor"]["pid"]) == server.process.pid
            assert all(w["restarts"] == 0 for w in after["workers"]), after
            if upgrade:
                for pid in [server.process.pid] + after["ready"]:
                    running = os.stat(f"/proc/{pid}/exe")
                    assert (running.st_ino, running.st_dev) == (os.stat(binary).st_ino, os.stat(binary).st_dev), f"{pid} runs the new file"
                assert "upgraded: replacing the previous executable's workers" in server.text()
                shutil.rmtree(staging, ignore_errors=True)
            return (f"{name} under wrk -c100 -d{seconds}s: {requests} requests, 0 socket errors, 0 non-2xx; "
                    f"both workers replaced in {took:.2f} s, supervisor pid unchanged"
                    + ("; the supervisor and workers run the new file" if upgrade else ""))
    return case


def case_sigterm(binary, seconds):
    server = Supervised(binary, workers=2)
    pids = [w["pid"] for w in server.status()["workers"]]
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    code = server.process.wait(timeout=20)
    took = time.monotonic() - started
    alive = [pid for pid in pids if os.path.exists(f"/proc/{pid}")]
    text = server.text()
    server.stop()
    assert code == 0, f"exit {code}\n{text}"
    assert not alive, f"workers still running: {alive}"
    assert not os.path.exists(server.control), "the control socket file is removed"
    return f"SIGTERM: exit 0 after {took:.2f} s, both workers gone"


def case_failing_start(binary, seconds):
    public = tempfile.mkdtemp(prefix="pronto-public-")
    server = Supervised(binary, workers=1, extra=("--public", public))
    try:
        old = server.status()["ready"][0]
        os.rmdir(public)  # every new worker's startup hook now fails
        os.kill(server.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + 20
        while "keep failing to start" not in server.text():
            assert time.monotonic() < deadline, server.text()
            time.sleep(0.05)
        assert server.status()["ready"] == [old], "the old worker keeps serving"
        assert get(server.port)[0] == 200
        os.kill(old, signal.SIGKILL)
        code = server.process.wait(timeout=30)
        text = server.text()
        assert code != 0, "the supervisor gives up with a failure status"
        assert "died 5 times in a row while starting" in text, text
        assert "is not a folder" in text, "the worker's own error is in the log"
        return f"a worker failing at start: SIGHUP keeps the old one; after its death, 5 attempts then exit {code}"
    finally:
        server.stop()
        shutil.rmtree(public, ignore_errors=True)


def socket_activated(binary, workers):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    unused = serverprocess.free_port()  # what hello would bind without LISTEN_FDS
    fd = listener.fileno()
    argv = ["sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$@"', "sh", binary, "--port", str(unused),
            "--workers", str(workers), "--log-level", "warning"]
    process = subprocess.Popen(argv, pass_fds=(fd,), preexec_fn=lambda: os.dup2(fd, 3),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    listener.close()
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                assert get(port) == (200, b"Hello, World!")
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "no answer on the socket passed as LISTEN_FDS"
                time.sleep(0.05)
        for _ in range(10):
            assert get(port)[0] == 200
        try:
            socket.create_connection(("127.0.0.1", unused), timeout=1).close()
            raise AssertionError("hello bound --port although it was given a socket")
        except ConnectionRefusedError:
            pass
    finally:
        code = serverprocess.stop(process)
        process.stderr.close()
    assert code == 0, f"exit {code}"
    return port


def case_systemd(binary, seconds):
    socket_activated(binary, 0)
    socket_activated(binary, 2)
    return "LISTEN_FDS=1 (fd 3): served by hello alone and by 2 workers; --port not bound; exit 0"


BUILD_SCRIPT = """sleep 0.5
if grep -q broken src/app.swift; then echo "src/app.swift:1:1: error: <broken> & bad" >&2; exit 1; fi
echo "Build complete!"
"""


def timed_get(port):
    started = time.monotonic()
    status, body = get(port)
    return status, body, time.monotonic() - started


def case_reload(binary, seconds):
    """--reload with a stand-in build command (a real `swift build` of hello takes a minute):
    the watch, the swap, the wait during the build and the error page are the supervisor's."""
    folder = tempfile.mkdtemp(prefix="pronto-reload-")
    os.mkdir(os.path.join(folder, "src"))
    source = os.path.join(folder, "src", "app.swift")
    open(source, "w").write("ok\n")
    open(os.path.join(folder, "build.sh"), "w").write(BUILD_SCRIPT)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        server = Supervised(binary, workers=0, extra=("--reload", "--reload-build", "sh build.sh", "--reload-watch", folder + "/src"),
                            wait_ready=False)
    finally:
        os.chdir(cwd)
    try:
        first, _ = server.wait_until(lambda s: len(s["ready"]) == 1, 20, "the first worker")
        assert get(server.port) == (200, b"Hello, World!")
        open(source, "w").write("broken\n")
        server.wait_for_log("sources changed: rebuilding", 1)
        status, body, waited = timed_get(server.port)  # sent during the build: waits, then the error page
        assert status == 503, (status, body)
        assert b"src/app.swift:1:1: error: &lt;broken&gt; &amp; bad" in body, body
        assert "error: <broken> & bad" in server.text(), "the compiler's output is in the terminal"
        assert server.status()["workers"] == [], "no worker runs a failed build"
        open(source, "w").write("fixed\n")
        server.wait_for_log("sources changed: rebuilding", 2)
        status, body, waited_good = timed_get(server.port)
        assert (status, body) == (200, b"Hello, World!"), (status, body)
        after = server.status()
        assert len(after["ready"]) == 1 and after["ready"] != first["ready"], after
        code = server.stop()
        assert code == 0, f"exit {code}"
        return (f"a change rebuilds: a request during a failing build waited {waited:.2f} s for the 503 page with the "
                f"compiler's message; after the fix, one waited {waited_good:.2f} s for the new worker")
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


CASES = {
    "workers": case_workers,
    "kill": case_kill,
    "sighup": replace_case(signal.SIGHUP, "SIGHUP"),
    "upgrade": replace_case(signal.SIGUSR2, "SIGUSR2 (binary upgrade)"),
    "sigterm": case_sigterm,
    "failing-start": case_failing_start,
    "systemd": case_systemd,
    "reload": case_reload,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--only")
    parser.add_argument("--seconds", type=int, default=5, help="each load's duration")
    args = parser.parse_args()
    failed = 0
    for name, case in CASES.items():
        if args.only and name != args.only:
            continue
        try:
            print(f"ok   {name}: {case(os.path.abspath(args.binary), args.seconds)}", flush=True)
        except Exception as error:  # noqa: BLE001: every case reports, the run goes on
            failed += 1
            print(f"FAIL {name}: {error}", flush=True)
    print(f"{len(CASES) - failed if not args.only else 1 - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
