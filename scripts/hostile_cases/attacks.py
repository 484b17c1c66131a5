"""Hostile clients with real tools: slowloris, slow body and slow read (slowhttptest), idle
connections by the thousand, SIGTERM under load, running out of file descriptors, and a
pipelined flood. Each case returns (passed, criterion, figures)."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Sizes:
    slow_connections: int
    slow_rate: int
    attack_seconds: int
    head_timeout: int
    write_timeout: int
    idle_connections: int
    # KiB per idle connection: the 4 for 10,000; 2,000 spread the process's fixed
    # growth (heap arenas, NIO's arrays) over fewer, measured 3.97 against 4.1.
    idle_kib: float
    wrk_seconds: int
    min_rate_share: float

    @staticmethod
    def short():
        # Loose rate share: CI machines are shared and noisy; the long run holds the target.
        return Sizes(300, 100, 16, 2, 3, 2000, 4.5, 3, 0.5)

    @staticmethod
    def long():
        return Sizes(1000, 200, 40, 10, 30, 10000, 4.0, 10, 0.95)


def slowhttptest(mode, url, size, seconds, extra=()):
    # On the load's core, beside wrk: the server's core measures the server alone.
    argv = (["taskset", "-c", "1"] if (os.cpu_count() or 1) >= 2 else []) + ["slowhttptest", mode, "-c", str(size.slow_connections), "-r", str(size.slow_rate), "-i", "1",
            "-l", str(seconds), "-u", url, "-p", "3", *extra]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class SocketSampler(threading.Thread):
    """The server's open sockets, sampled every 0.5 s: the most seen."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.most, self.done = server, 0, threading.Event()

    def run(self):
        while not self.done.wait(0.5):
            try:
                self.most = max(self.most, self.server.sockets())
            except OSError:
                return


def time_until_closed(sock, step, trickle, limit):
    """Calls trickle(sock) every `step` seconds until the server gives up on the connection
    (answers, or closes); returns the seconds that took and the answer's first bytes, or
    (None, b"") when it held on past `limit`. Polled every 20 ms, so the figure is that
    precise whatever the trickle's pace."""
    started = time.monotonic()
    answer, gave_up_at, next_trickle = b"", None, started
    sock.setblocking(False)
    while time.monotonic() - started < limit:
        try:
            part = sock.recv(65536)
            if part and gave_up_at is None:
                gave_up_at = time.monotonic() - started
            if not part:
                return (gave_up_at if gave_up_at is not None else time.monotonic() - started), answer
            answer += part[: max(0, 64 - len(answer))]
        except BlockingIOError:
            pass
        except (ConnectionResetError, BrokenPipeError):
            return (gave_up_at if gave_up_at is not None else time.monotonic() - started), answer
        if gave_up_at is None and time.monotonic() >= next_trickle:
            try:
                trickle(sock)
            except (ConnectionResetError, BrokenPipeError):
                return time.monotonic() - started, answer
            next_trickle += step
        time.sleep(0.02)
    return None, answer


def attack_case(name, mode, path, extra, probe, deadline, options, slack=1.5):
    """A slowhttptest attack, normal traffic measured before and during it, and one probe
    connection of the same kind timed to its close, allowed `slack` seconds past its deadline."""
    def run(binary, Hello, wrk, size):
        with Hello(binary, *options(size)) as server:
            baseline, _, _, _ = wrk(server.url(), size.wrk_seconds)
            attack = slowhttptest(mode, server.url(path), size, size.attack_seconds, extra(size))
            sampler = SocketSampler(server)
            sampler.start()
            try:
                time.sleep(3)  # let the attack ramp up to its connections
                probe_result = {}
                prober = threading.Thread(target=lambda: probe_result.update(closed=probe(server.port, size, deadline(size))))
                prober.start()
                cpu_before, wall_before = server.cpu_seconds(), time.monotonic()
                during, _, _, _ = wrk(server.url(), size.wrk_seconds)
                busy = (server.cpu_seconds() - cpu_before) / (time.monotonic() - wall_before)
                prober.join(timeout=deadline(size) + 10)
            finally:
                sampler.done.set()
                stop(attack)
        closed_in, answer = probe_result.get("closed", (None, b""))
        share = during / baseline if baseline else 0
        expected_answer = answer.startswith(b"HTTP/1.1 408") if mode in ("-H", "-B") else True
        # With two cores the attack tool shares the load generator's core: when the server's
        # core was not saturated, a lower rate is the client side's, not the server's.
        kept_up = share >= size.min_rate_share or busy < 0.9
        passed = closed_in is not None and closed_in <= deadline(size) + slack and kept_up and expected_answer
        probe_text = f"probe closed after {closed_in:.1f} s" if closed_in is not None else f"probe NOT closed within {deadline(size) + slack:.0f} s"
        figures = (f"normal traffic {during:,.0f} req/s during vs {baseline:,.0f} before ({share:.2f}), "
                   f"server core {busy:.0%} busy; {probe_text}")
        figures += f" ({answer[:12].decode(errors='replace').strip() or 'no answer'}); server sockets at most {sampler.most}"
        criterion = (f"rate ≥ {size.min_rate_share} of before (or the server's core not saturated); "
                     f"a slow connection closed within {deadline(size)} s + {slack}")
        return passed, criterion, figures
    return name, run


def slowloris_probe(port, size, deadline):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"GET /plaintext HTTP/1.1\r\nHost: x\r\n")
    return time_until_closed(sock, 0.5, lambda s: s.send(b"X-a: b\r\n"), deadline + 5)


def slow_body_probe(port, size, deadline):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
    return time_until_closed(sock, 1.0, lambda s: s.send(b"x" * 10), deadline + 5)


def slow_read_probe(port, size, deadline):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.connect(("127.0.0.1", port))
    sock.sendall(b"GET /stream?bytes=50000000 HTTP/1.1\r\nHost: x\r\n\r\n")
    # 5 bytes every 0.5 s, as slowhttptest -X -z 5 -n 0.5 would: the server's output stays blocked.
    return _slow_reader(sock, deadline)


def _slow_reader(sock, deadline):
    started, next_read = time.monotonic(), time.monotonic()
    while time.monotonic() - started < deadline + 8:
        # A reset shows as a pending socket error before the buffered bytes are read.
        if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
            return time.monotonic() - started, b"reset"
        if time.monotonic() >= next_read:
            try:
                if not sock.recv(5):
                    return time.monotonic() - started, b""
            except (ConnectionResetError, BrokenPipeError):
                return time.monotonic() - started, b""
            next_read += 0.5
        time.sleep(0.02)
    return None, b""


def slow_cases():
    return [
        attack_case("slowloris (slowhttptest -H)", "-H", "/plaintext", lambda s: (), slowloris_probe,
                    lambda s: s.head_timeout, lambda s: ("--request-timeout", str(s.head_timeout))),
        attack_case("slow body (slowhttptest -B)", "-B", "/echo", lambda s: ("-s", "100000"), slow_body_probe,
                    lambda s: 10, lambda s: ("--request-timeout", str(s.head_timeout))),
        attack_case("slow read (slowhttptest -X)", "-X", "/stream?bytes=50000000",
                    lambda s: ("-k", "3", "-n", "1", "-w", "1", "-y", "16", "-z", "5"), slow_read_probe,
                    lambda s: s.write_timeout, lambda s: ("--write-timeout", str(s.write_timeout)),
                    # The write timeout counts from when the output blocks: after the server has
                    # filled the socket's buffers and NIO's, which takes up to 2 s under attack.
                    slack=3.0),
    ]


def idle_case(binary, Hello, wrk, size):
    # The reaper releases an idle connection's buffers on its first round: the head timeout.
    with Hello(binary, "--request-timeout", "2") as server:
        out = subprocess.run([sys.executable, os.path.join(HERE, "hostile", "idle_connections.py"), "--pid", str(server.pid),
                              "--port", str(server.port), "--count", str(size.idle_connections), "--hold", "3", "--json"],
                             capture_output=True, text=True, timeout=180)
    if out.returncode != 0:
        return False, "ran", out.stderr.strip()[-300:]
    result = json.loads(out.stdout)[0]
    each, back = result["kib_per_connection"], result["rss_closed_kib"] <= result["rss_start_kib"] * 1.1
    figures = (f"{result['connections']} idle keep-alive connections: {each} KiB each "
               f"(RSS {result['rss_start_kib']} → {result['rss_open_kib']} → {result['rss_closed_kib']} KiB after they closed)")
    return each <= size.idle_kib and back, f"≤ {size.idle_kib} KiB each once the reaper released their buffers; RSS within 10% of the start after they close", figures


def sigterm_case(binary, Hello, wrk, size):
    with Hello(binary, "--shutdown-grace", "10") as server:
        result = {}
        load = threading.Thread(target=lambda: result.update(wrk=wrk(server.url(), 4, connections=100)))
        load.start()
        time.sleep(2)
        started = time.monotonic()
        os.kill(server.pid, signal.SIGTERM)
        try:
            status = server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            status = "still running after 15 s"
        took = time.monotonic() - started
        load.join(timeout=30)
    rate, errors, non2xx, _ = result["wrk"]
    passed = status == 0 and took <= 10 and errors["read"] == 0 and errors["timeout"] == 0 and non2xx == 0
    figures = (f"exit {status} after {took:.2f} s; wrk: {errors['read']} read errors, {errors['timeout']} timeouts, {non2xx} non-2xx "
               f"({errors['write'] + errors['connect']} failed reconnects after the listener closed)")
    return passed, "exit 0 within the grace period; 0 read errors, 0 timeouts (reconnects refused are allowed)", figures


def descriptors_case(binary, Hello, wrk, size):
    # 64 descriptors, a connection limit far above: accept fails with EMFILE.
    with Hello(binary, "--max-connections", "1000", prefix=("prlimit", "--nofile=64:64")) as server:
        clients = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(100)]
        time.sleep(0.5)
        before = server.cpu_seconds()
        time.sleep(2)
        spent = server.cpu_seconds() - before
        for client in clients:
            client.close()
        started, answered = time.monotonic(), False
        while not answered and time.monotonic() - started < 5:
            try:
                with socket.create_connection(("127.0.0.1", server.port), timeout=3) as sock:
                    sock.sendall(b"GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    answered = sock.recv(64).startswith(b"HTTP/1.1 200")
            except OSError:
                time.sleep(0.2)
        recovered = time.monotonic() - started
    passed = spent <= 0.2 and answered
    figures = f"server CPU {spent:.2f} s over 2 s out of descriptors; serving again {recovered:.1f} s after the clients left"
    return passed, "no busy loop (≤ 0.2 s CPU in 2 s); serving again once descriptors free", figures


def flood_case(binary, Hello, wrk, size):
    with Hello(binary) as server:
        start_rss = int(open(f"/proc/{server.pid}/status").read().split("VmRSS:")[1].split()[0])
        flood = socket.create_connection(("127.0.0.1", server.port))
        flood.setblocking(False)
        batch = b"GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n" * 1000
        sent, started = 0, time.monotonic()
        while time.monotonic() - started < 3:
            try:
                sent += flood.send(batch)
            except BlockingIOError:
                time.sleep(0.01)
        peak_rss = int(open(f"/proc/{server.pid}/status").read().split("VmRSS:")[1].split()[0])
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as other:
            other.sendall(b"GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            served = other.recv(64).startswith(b"HTTP/1.1 200")
        flood.close()
    growth = (peak_rss - start_rss) / 1024
    passed = growth <= 64 and served
    figures = f"{sent / 1e6:.1f} MB of pipelined requests never read back: RSS +{growth:.1f} MiB; another client served: {served}"
    return passed, "RSS growth ≤ 64 MiB (backpressure); other clients still served", figures


def cases(Hello, wrk, size):
    bound = lambda run: (lambda binary: run(binary, Hello, wrk, size))  # noqa: E731
    named = [(name, bound(run)) for name, run in slow_cases()]
    named += [
        ("idle keep-alive connections", bound(idle_case)),
        ("SIGTERM under wrk -c100", bound(sigterm_case)),
        ("out of file descriptors (EMFILE)", bound(descriptors_case)),
        ("pipelined flood, responses never read", bound(flood_case)),
    ]
    return named
