#!/usr/bin/env python3
"""Real HTTP clients against the `hello` example: curl, Python requests and h11 talk to it
without complaint, and httplint finds no error in its responses. Then `hello --metrics-all`:
curl reads GET /metrics and the Prometheus project's own parser (prometheus_client) reads
the request metrics back, labelled by route template. Then `hello --tracing`: a request
with a W3C traceparent is logged as a server span in the caller's trace. Then the
extension groups that Benchmarks/extensions.sh prices: each `/ext/<name>/` route answers what
the bare route does, with its middleware at work (headers, log lines, metrics).

Usage: client-compat.py PATH_TO_HELLO_BINARY
Starts hello on an ephemeral port on 127.0.0.1, runs every check, stops it (by PID).
"""
import os
import re
import socket
import subprocess
import sys

import h11
import httplint
import requests
from prometheus_client.parser import text_string_to_metric_families
from httplint.note import levels

import serverprocess
from checks import assert_equal, check, summary



def start_hello(binary, *flags):
    port = serverprocess.free_port()
    process = serverprocess.start(
        [binary, "--host", "127.0.0.1", "--port", str(port), "--threads", "1", "--log-level", "warning", *flags],
        port, "hello", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    return process, port


def main():
    binary = sys.argv[1]
    process, port = start_hello(binary)
    base = f"http://127.0.0.1:{port}"
    try:
        run_checks(base, port)
    finally:
        code = serverprocess.stop(process)
    check("hello exits cleanly on SIGTERM", lambda: assert_equal(code, 0))

    process, port = start_hello(binary, "--metrics-all")
    try:
        metrics_checks(f"http://127.0.0.1:{port}")
    finally:
        code = serverprocess.stop(process)
    check("hello --metrics exits cleanly on SIGTERM", lambda: assert_equal(code, 0))

    port = serverprocess.free_port()
    process = serverprocess.start(
        [binary, "--host", "127.0.0.1", "--port", str(port), "--threads", "1", "--log-level", "info", "--tracing"],
        port, "hello", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        tracing_requests(f"http://127.0.0.1:{port}")
    finally:
        code = serverprocess.stop(process)
        log = process.stdout.read().decode(errors="replace")
    check("hello --tracing: the span of a request with traceparent is in the caller's trace", lambda: tracing_checks(log))
    check("hello --tracing exits cleanly on SIGTERM", lambda: assert_equal(code, 0))

    port = serverprocess.free_port()
    process = serverprocess.start(
        [binary, "--host", "127.0.0.1", "--port", str(port), "--threads", "1", "--log-level", "warning"],
        port, "hello", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        requested = extension_requests(f"http://127.0.0.1:{port}")
    finally:
        code = serverprocess.stop(process)
        log = process.stdout.read().decode(errors="replace")
    check("/ext/*: access-log and tracing lines written at --log-level warning, by their groups only",
          lambda: extension_log_checks(log, requested))
    sys.exit(summary())


# Examples/hello/ExtensionRoutes.swift's groups; Benchmarks/extensions.sh measures them.
EXTENSIONS = ["none", "access-log", "cors", "request-id", "error", "compression", "compression-min0",
              "metrics", "metrics-all", "tracing", "tracing-noop", "all"]
ORIGIN = "https://example.com"
# What each group's middleware visibly does; `error` (these handlers never fail) and
# `tracing-noop` (no tracer) do nothing visible, by design: checked to do nothing else.
ACTIVE = {
    "request-id": {"request-id", "all"}, "cors": {"cors", "all"},
    "vary": {"compression", "compression-min0", "all"}, "gzip": {"compression-min0"},
    "metrics": {"metrics", "metrics-all", "all"}, "access-log": {"access-log", "all"}, "tracing": {"tracing", "all"},
}


def extension_requests(base):
    """Every /ext/<name>/ route against the bare one; returns the paths requested (with counts)."""
    requested = {}
    browser = {"Origin": ORIGIN, "Accept-Encoding": "gzip"}

    def get(path, headers):
        requested[path] = requested.get(path, 0) + 1
        return requests.get(f"{base}{path}", headers=headers, timeout=10)

    def script_lists_them():
        line = next(l for l in open(os.path.join(os.path.dirname(__file__), "..", "Benchmarks", "extensions.sh")) if l.startswith("EXTENSIONS=${EXTENSIONS:-"))
        assert_equal(sorted({name.split("+")[0] for name in line.split('"')[1].split()}), sorted(EXTENSIONS))
    check("/ext/*: Benchmarks/extensions.sh measures every group", script_lists_them)

    for name in EXTENSIONS:
        def group(name=name):
            for route, bare in [("/plaintext", "/plaintext"), ("/hello/x", "/hello/x")]:
                expected = requests.get(f"{base}{bare}", headers={"Accept-Encoding": "identity"}, timeout=10)
                path = f"/ext/{name}{route}"
                response = get(path, browser)
                assert_equal((response.status_code, response.content), (200, expected.content))
                headers = response.headers
                request_id = headers.get("X-Request-ID")
                if name in ACTIVE["request-id"]:
                    if not re.fullmatch(r"[0-9a-f]{32}", request_id or ""):
                        raise AssertionError(f"{path}: X-Request-ID {request_id!r}")
                    assert_equal(get(path, {"X-Request-ID": "client-42"}).headers.get("X-Request-ID"), "client-42")
                else:
                    assert_equal(request_id, None)
                allowed = name in ACTIVE["cors"]
                assert_equal(headers.get("Access-Control-Allow-Origin"), ORIGIN if allowed else None)
                assert_equal(get(path, {"Origin": "https://other.example"}).headers.get("Access-Control-Allow-Origin"), None)
                vary = [v.strip().lower() for v in headers.get("Vary", "").split(",")]
                assert_equal("accept-encoding" in vary, name in ACTIVE["vary"])
                # The bodies (13 and 21 bytes) are under CompressionMiddleware's 1,024-byte
                # minimum: only compression-min0 (minimumSize 0) compresses them.
                assert_equal(headers.get("Content-Encoding"), "gzip" if name in ACTIVE["gzip"] else None)
        check(f"/ext/{name}: the bare routes' answers, with its middleware at work", group)

    def metrics():
        text = requests.get(f"{base}/ext/metrics/metrics", timeout=10).text
        counts = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == "http_server_request_duration_seconds_count":
                    counts[sample.labels.get("http_route")] = sample.value
        for name in EXTENSIONS:
            for route, template in [("/plaintext", "/plaintext"), ("/hello/x", "/hello/{name}")]:
                recorded = name in ACTIVE["metrics"]
                assert_equal(counts.get(f"/ext/{name}{template}"), float(requested[f"/ext/{name}{route}"]) if recorded else None)
        if 'http_server_response_body_size_bytes_count{http_request_method="GET",http_route="/ext/metrics-all/plaintext"' not in text:
            raise AssertionError("metrics-all records no response body size")
    check("/ext/*: the metrics groups, and only they, recorded every request (GET /ext/metrics/metrics)", metrics)
    return requested


def extension_log_checks(log, requested):
    for name in EXTENSIONS:
        for route, template in [("/plaintext", "/plaintext"), ("/hello/x", "/hello/{name}")]:
            path = f"/ext/{name}{route}"
            access = [l for l in log.splitlines() if "ext.access:" in l and l.endswith(f"] GET {path} 200")]
            spans = [l for l in log.splitlines() if "ext.spans:" in l and l.endswith(f"] GET /ext/{name}{template}")]
            expected_access = requested[path] if name in ACTIVE["access-log"] else 0
            expected_spans = requested[path] if name in ACTIVE["tracing"] else 0
            if (len(access), len(spans)) != (expected_access, expected_spans):
                raise AssertionError(f"{path}: {len(access)} access lines and {len(spans)} spans, expected "
                                     f"{expected_access} and {expected_spans}; log:\n{log[-2000:]}")
            if spans and not all("kind=server" in l and "http.response.status_code=200" in l for l in spans):
                raise AssertionError(f"{path}: span lines {spans}")


CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


def tracing_requests(base):
    headers = {"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"}
    assert_equal(requests.get(f"{base}/hello/ada", headers=headers, timeout=10).status_code, 200)


def tracing_checks(log):
    lines = [line for line in log.splitlines() if "GET /hello/{name}" in line]
    if len(lines) != 1:
        raise AssertionError(f"expected one span line for GET /hello/{{name}}, log was:\n{log}")
    line = lines[0]
    for expected in (f"trace_id={CALLER_TRACE}", f"parent_span_id={CALLER_SPAN}", "kind=server",
                     "http.route=/hello/{name}", "http.response.status_code=200"):
        if expected not in line:
            raise AssertionError(f"{expected} missing from: {line}")


def metrics_checks(base):
    """hello --metrics: requests recorded by route template, read back through /metrics."""
    def scrape():
        text = subprocess.run(["curl", "-sS", "--max-time", "10", f"{base}/metrics"], check=True,
                              capture_output=True, text=True).stdout
        samples = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return text, samples

    def recorded():
        with requests.Session() as session:
            for name in ["ada", "grace", "alan"]:
                assert_equal(session.get(f"{base}/hello/{name}", timeout=10).status_code, 200)
            assert_equal(session.get(f"{base}/missing/1", timeout=10).status_code, 404)
            assert_equal(session.post(f"{base}/echo", data=b"x" * 1000, timeout=10).status_code, 200)
        text, samples = scrape()
        route = (("http_request_method", "GET"), ("http_response_status_code", "200"), ("http_route", "/hello/{name}"))
        assert_equal(samples.get(("http_server_request_duration_seconds_count", route)), 3.0)
        unrouted = (("http_request_method", "GET"), ("http_response_status_code", "404"))
        assert_equal(samples.get(("http_server_request_duration_seconds_count", unrouted)), 1.0)
        echo = (("http_request_method", "POST"), ("http_response_status_code", "200"), ("http_route", "/echo"))
        assert_equal(samples.get(("http_server_request_body_size_bytes_sum", echo)), 1000.0)
        assert_equal(samples.get(("http_server_open_connections", ())), 1.0)
        if "ada" in text or "missing" in text:
            raise AssertionError("a raw path reached a label")
    check("hello --metrics: GET /metrics parses (prometheus_client), labelled by route template", recorded)



def run_checks(base, port):
    # curl
    def curl(*args):
        return subprocess.run(["curl", "-sS", "--http1.1", "--max-time", "10", *args], check=True,
                              capture_output=True).stdout

    check("curl GET /plaintext", lambda: assert_equal(curl(f"{base}/plaintext"), b"Hello, World!"))
    check("curl GET /json", lambda: assert_equal(curl(f"{base}/json"), b'{"message":"Hello, World!"}'))
    check("curl GET /hello/{name}", lambda: assert_equal(curl(f"{base}/hello/J%C3%BCrgen"), '{"message":"Hello Jürgen"}'.encode()))
    check("curl POST /echo", lambda: assert_equal(
        curl("-H", "Content-Type: text/x-curl", "--data-binary", "echo me", f"{base}/echo"), b"echo me"))
    check("curl chunked POST /echo", lambda: assert_equal(
        curl("-H", "Transfer-Encoding: chunked", "--data-binary", "chunked body", f"{base}/echo"), b"chunked body"))
    check("curl HEAD", lambda: assert_equal(
        re.search(rb"Content-Length: (\d+)", curl("-I", f"{base}/plaintext")).group(1), b"13"))
    check("curl keep-alive (two URLs, one connection)", lambda: assert_equal(
        curl(f"{base}/plaintext", f"{base}/json"), b'Hello, World!{"message":"Hello, World!"}'))

    # requests
    def with_requests():
        with requests.Session() as session:
            for _ in range(5):
                response = session.get(f"{base}/json", timeout=10)
                assert_equal(response.json(), {"message": "Hello, World!"})
                assert_equal(response.headers["Content-Type"], "application/json")
            response = session.post(f"{base}/echo", data=b"x" * 100_000, headers={"Content-Type": "application/x"}, timeout=10)
            assert_equal(len(response.content), 100_000)
            response = session.post(f"{base}/echo", data=(part for part in [b"gen", b"erated"]), timeout=10)
            assert_equal(response.content, b"generated")
            assert_equal(session.get(f"{base}/missing", timeout=10).status_code, 404)
            assert_equal(session.delete(f"{base}/plaintext", timeout=10).status_code, 405)
    check("requests session: json, large body, generator (chunked) body, 404, 405", with_requests)

    # h11: a strict client, one connection, several exchanges including HEAD
    def with_h11():
        connection = h11.Connection(our_role=h11.CLIENT)
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        try:
            for method, target, body, expected in [
                ("GET", "/plaintext", b"", b"Hello, World!"),
                ("HEAD", "/plaintext", b"", b""),
                ("POST", "/echo", b"h11 body", b"h11 body"),
                ("GET", "/json", b"", b'{"message":"Hello, World!"}'),
            ]:
                headers = [("Host", "127.0.0.1"), ("Content-Length", str(len(body)))] if method == "POST" else [("Host", "127.0.0.1")]
                sock.sendall(connection.send(h11.Request(method=method, target=target, headers=headers)))
                if body:
                    sock.sendall(connection.send(h11.Data(data=body)))
                sock.sendall(connection.send(h11.EndOfMessage()))
                received = b""
                while True:
                    event = connection.next_event()
                    if event is h11.NEED_DATA:
                        connection.receive_data(sock.recv(65536))
                        continue
                    if isinstance(event, h11.Response):
                        assert_equal(event.status_code, 200)
                    if isinstance(event, h11.Data):
                        received += event.data
                    if isinstance(event, h11.EndOfMessage):
                        break
                assert_equal(received, expected)
                connection.start_next_cycle()
        finally:
            sock.close()
    check("h11 strict client: GET, HEAD, POST, GET on one connection", with_h11)

    # httplint on the raw bytes of each response
    def lint(request, label):
        def run():
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(request)
            raw = b""
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                raw += data
            sock.close()
            head, _, content = raw.partition(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            version, status, phrase = (lines[0].split(b" ", 2) + [b""])[:3]
            linter = httplint.HttpResponseLinter()
            linter.process_response_topline(version, status, phrase)
            linter.process_headers([tuple(part.strip() for part in line.split(b":", 1)) for line in lines[1:]])
            linter.feed_content(content)
            linter.finish_content(True)
            bad = [note.summary for note in linter.notes if note.level == levels.BAD]
            if bad:
                raise AssertionError(f"httplint errors: {bad}")
        check(f"httplint: {label}", run)

    close = b"Host: 127.0.0.1\r\nConnection: close\r\n"
    lint(b"GET /plaintext HTTP/1.1\r\n" + close + b"\r\n", "GET /plaintext")
    lint(b"GET /json HTTP/1.1\r\n" + close + b"\r\n", "GET /json")
    lint(b"GET /hello/world HTTP/1.1\r\n" + close + b"\r\n", "GET /hello/world")
    lint(b"POST /echo HTTP/1.1\r\n" + close + b"Content-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc", "POST /echo")
    lint(b"GET /missing HTTP/1.1\r\n" + close + b"\r\n", "404")
    lint(b"DELETE /json HTTP/1.1\r\n" + close + b"\r\n", "405")
    lint(b"GET / HTTP/1.1\r\n\r\n", "400 (no Host)")


if __name__ == "__main__":
    main()
