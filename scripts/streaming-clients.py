#!/usr/bin/env python3
"""Real clients against hello's streaming features: curl (ranges, conditional requests,
`-N` for server-sent events, `--compressed`), Python requests (streamed uploads and
downloads, SSE lines), and the Public/index.html SSE page in headless Chromium.

Usage: streaming-clients.py PATH_TO_HELLO_BINARY [--browser]
Starts hello on an ephemeral port on 127.0.0.1, runs every check, stops it (by PID).
With --browser, also loads the SSE page in Debian's chromium and reads what it received: its
events and the echoes of the messages it sent over a WebSocket to /ws/echo.
"""
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

import requests

import serverprocess
from checks import assert_equal, check, summary




def curl(*args):
    return subprocess.run(["curl", "-sS", "--http1.1", "--max-time", "20", *args], check=True, capture_output=True).stdout


def run_checks(base, public):
    index = open(os.path.join(public, "index.html"), "rb").read()

    # Static files with curl: whole, ranges, conditional, HEAD, traversal.
    check("curl GET /static/index.html", lambda: assert_equal(curl(f"{base}/static/index.html"), index))
    check("curl range -r 0-99", lambda: assert_equal(curl("-r", "0-99", f"{base}/static/index.html"), index[:100]))
    check("curl suffix range -r -50", lambda: assert_equal(curl("-r", "-50", f"{base}/static/index.html"), index[-50:]))

    def multiple_ranges():
        head = curl("-i", "-r", "0-9,20-29", f"{base}/static/index.html")
        assert b"206 Partial Content" in head, head[:200]
        assert b"multipart/byteranges; boundary=" in head, head[:400]
        assert index[0:10] in head and index[20:30] in head
    check("curl multiple ranges: 206 multipart/byteranges", multiple_ranges)

    def conditional():
        etag = re.search(rb"ETag: (\S+)", curl("-I", f"{base}/static/index.html")).group(1).decode()
        status = curl("-o", "/dev/null", "-w", "%{http_code}", "-H", f"If-None-Match: {etag}", f"{base}/static/index.html")
        assert_equal(status, b"304")
    check("curl If-None-Match: 304", conditional)
    check("curl range past the end: 416", lambda: assert_equal(
        curl("-o", "/dev/null", "-w", "%{http_code}", "-r", "999999-", f"{base}/static/index.html"), b"416"))
    check("curl --path-as-is traversal: 404", lambda: assert_equal(
        curl("--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", f"{base}/static/../Hello.swift"), b"404"))
    check("curl encoded traversal: 404", lambda: assert_equal(
        curl("--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", f"{base}/static/%2e%2e/Hello.swift"), b"404"))

    # Server-sent events with curl -N (no buffering: events as they come).
    def sse_curl():
        out = curl("-N", f"{base}/sse?count=3").decode()
        assert_equal(re.findall(r"^id: (\d+)$", out, re.M), ["1", "2", "3"])
        assert_equal(re.findall(r"^data: (.*)$", out, re.M), ['{"n":1}', '{"n":2}', '{"n":3}'])
    check("curl -N /sse?count=3", sse_curl)
    check("curl /sse resumes after Last-Event-ID", lambda: assert_equal(
        re.findall(r"^id: (\d+)$", curl("-N", "-H", "Last-Event-ID: 2", f"{base}/sse?count=4").decode(), re.M), ["3", "4"]))

    # Compression, when hello has it (the Compression guide's middleware).
    def compressed():
        headers = curl("-s", "-D", "-", "-o", "/dev/null", "--compressed", f"{base}/static/index.html").decode()
        assert re.search(r"(?i)^content-encoding: (gzip|deflate)", headers, re.M), headers
        assert_equal(curl("--compressed", f"{base}/static/index.html"), index)
    check("curl --compressed /static/index.html", compressed)

    # Streamed bodies with requests.
    def download():
        size = 5 * 1024 * 1024 + 123
        with requests.get(f"{base}/stream?bytes={size}", stream=True, timeout=20) as response:
            assert_equal(response.headers.get("Transfer-Encoding"), "chunked")
            total = sum(len(chunk) for chunk in response.iter_content(64 * 1024))
        assert_equal(total, size)
    check("requests stream=True /stream (5 MiB, chunked)", download)

    def upload():
        parts = [os.urandom(256 * 1024) for _ in range(24)]
        digest = hashlib.sha256(b"".join(parts)).hexdigest()
        # A generator body: requests sends it chunked.
        answer = requests.post(f"{base}/upload", data=(part for part in parts), timeout=30).json()
        assert_equal(answer, {"bytes": 24 * 256 * 1024, "sha256": digest})
        answer = requests.put(f"{base}/upload", data=b"".join(parts), timeout=30).json()
        assert_equal(answer, {"bytes": 24 * 256 * 1024, "sha256": digest})
    check("requests POST /upload (chunked generator) and PUT (Content-Length): size and SHA-256", upload)

    def sse_requests():
        with requests.get(f"{base}/sse?count=5", stream=True, timeout=20) as response:
            assert_equal(response.headers["Content-Type"], "text/event-stream")
            ids = [line[4:] for line in response.iter_lines(decode_unicode=True) if line.startswith("id: ")]
        assert_equal(ids, ["1", "2", "3", "4", "5"])
    check("requests iter_lines /sse?count=5", sse_requests)


class ReportHandler(http.server.BaseHTTPRequestHandler):
    """Receives what the SSE page saw (it posts it to ?report=URL when done)."""
    reports = []
    received = threading.Event()

    def do_POST(self):  # noqa: N802 - the standard library's name
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        ReportHandler.reports.append(json.loads(body))
        ReportHandler.received.set()
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()

    def log_message(self, *args):
        pass


def browser_check(base):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise AssertionError("chromium is not installed (scripts/test.sh installs Debian's chromium)")
    reporter = http.server.HTTPServer(("127.0.0.1", 0), ReportHandler)
    threading.Thread(target=reporter.serve_forever, daemon=True).start()
    report_url = f"http://127.0.0.1:{reporter.server_address[1]}/"
    page = f"{base}/static/index.html?count=7&echo=5&report={requests.utils.quote(report_url, safe='')}"
    profile = tempfile.mkdtemp(prefix="pronto-chromium-")
    browser = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
         f"--user-data-dir={profile}", "--remote-debugging-port=0", page],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        if not ReportHandler.received.wait(60):
            raise AssertionError("the page reported nothing within 60 s")
    finally:
        browser.terminate()
        try:
            browser.wait(10)
        except subprocess.TimeoutExpired:
            browser.kill()
        reporter.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    report = ReportHandler.reports[0]
    assert_equal(report["ids"], [str(n) for n in range(1, 8)])
    assert_equal(report["data"], [json.dumps({"n": n}, separators=(",", ":")) for n in range(1, 8)])
    assert_equal(report["echoes"], [f"echo {n} ✓" for n in range(1, 6)] + ["binary 0,1,2,255"])


def main():
    binary = sys.argv[1]
    public = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Examples", "hello", "Public")
    port = serverprocess.free_port()
    process = serverprocess.start(
        [binary, "--host", "127.0.0.1", "--port", str(port), "--threads", "1", "--log-level", "warning", "--public", public],
        port, "hello", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        run_checks(base, public)
        if "--browser" in sys.argv:
            check("headless Chromium: the page receives every event and its WebSocket echoes", lambda: browser_check(base))
    finally:
        code = serverprocess.stop(process)
    check("hello exits cleanly on SIGTERM", lambda: assert_equal(code, 0))
    sys.exit(summary())


if __name__ == "__main__":
    main()
