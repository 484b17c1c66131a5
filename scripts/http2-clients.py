#!/usr/bin/env python3
"""Real HTTP/2 and TLS clients against hello: a throwaway certificate made with openssl,
then curl --http2 (ALPN), curl --http2-prior-knowledge (h2c), httpx[http2] and h2load,
plus HTTP/1.1 over TLS, a large static file through the encryption, and the certificate
reloaded on SIGHUP without dropping an open connection.

Usage: http2-clients.py PATH/TO/hello
"""
import os
import signal
import ssl
import socket
import subprocess
import sys
import tempfile
import time

import httpx

import serverprocess
from checks import assert_equal, check, summary


def make_certificate(folder, name):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", os.path.join(folder, "key.pem"), "-out", os.path.join(folder, "cert.pem"), "-days", "1",
         "-subj", f"/CN={name}", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True)


def curl(*args):
    result = subprocess.run(["curl", "-sS", "--max-time", "10", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"curl {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def peer_certificate_subject(port, cafile):
    context = ssl.create_default_context(cafile=cafile)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            return dict(item[0] for item in tls.getpeercert()["subject"])["commonName"]


def main():
    hello = sys.argv[1]
    folder = tempfile.mkdtemp(prefix="pronto-h2-")
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    make_certificate(folder, "first")
    big = os.path.join(folder, "public")
    os.makedirs(big)
    payload = os.urandom(3 << 20)
    with open(os.path.join(big, "big.bin"), "wb") as f:
        f.write(payload)

    tls_port, clear_port = serverprocess.free_port(), serverprocess.free_port()
    tls = serverprocess.start([hello, "--port", str(tls_port), "--tls-cert", cert, "--tls-key", key, "--http2",
                               "--public", big, "--log-level", "warning"], tls_port, "hello (TLS)")
    clear = serverprocess.start([hello, "--port", str(clear_port), "--http2", "--log-level", "warning"], clear_port, "hello (h2c)")
    base, clear_base = f"https://localhost:{tls_port}", f"http://127.0.0.1:{clear_port}"
    try:
        check("curl --http2 over TLS: ALPN h2", lambda: assert_equal(
            curl("--cacert", cert, "--http2", "-w", " %{http_version}", f"{base}/plaintext"), "Hello, World! 2"))
        check("curl --http1.1 over TLS", lambda: assert_equal(
            curl("--cacert", cert, "--http1.1", "-w", " %{http_version}", f"{base}/plaintext"), "Hello, World! 1.1"))
        check("curl --http2-prior-knowledge (h2c)", lambda: assert_equal(
            curl("--http2-prior-knowledge", "-w", " %{http_version}", f"{clear_base}/hello/h2c"), '{"message":"Hello h2c"} 2'))
        check("curl HTTP/1.1 on the h2c port", lambda: assert_equal(
            curl("-w", " %{http_version}", f"{clear_base}/plaintext"), "Hello, World! 1.1"))

        def httpx_checks():
            with httpx.Client(http2=True, verify=cert, timeout=10) as client:
                response = client.get(f"{base}/json")
                assert_equal((response.http_version, response.json()), ("HTTP/2", {"message": "Hello, World!"}))
                body = os.urandom(200_000)
                response = client.post(f"{base}/echo", content=body)
                assert_equal((response.status_code, response.content == body), (200, True))
                response = client.get(f"{base}/static/big.bin")
                assert_equal((response.http_version, response.content == payload), ("HTTP/2", True))
        check("httpx[http2] over TLS: JSON, a 200 KB echo, a 3 MiB static file", httpx_checks)

        def httpx_h2c():
            with httpx.Client(http1=False, http2=True, timeout=10) as client:
                response = client.get(f"{clear_base}/hello/bee")
                assert_equal((response.http_version, response.json()), ("HTTP/2", {"message": "Hello bee"}))
        check("httpx h2c by prior knowledge", httpx_h2c)

        def big_over_tls_h1():
            with httpx.Client(http2=False, verify=cert, timeout=10) as client:
                response = client.get(f"{base}/static/big.bin")
                assert_equal((response.http_version, response.content == payload), ("HTTP/1.1", True))
        check("a 3 MiB static file over TLS HTTP/1.1 (streamed, not sendfile)", big_over_tls_h1)

        def h2load(url, *extra):
            result = subprocess.run(["h2load", "-n", "2000", "-c", "10", "-m", "10", *extra, url],
                                    capture_output=True, text=True, timeout=60)
            assert "2000 succeeded, 0 failed, 0 errored" in result.stdout, result.stdout[-600:]
            assert "status codes: 2000 2xx" in result.stdout, result.stdout[-600:]
        check("h2load over TLS: 2,000 requests, all 2xx", lambda: h2load(f"{base}/plaintext"))
        check("h2load h2c: 2,000 requests, all 2xx", lambda: h2load(f"{clear_base}/plaintext"))

        def reload():
            assert_equal(peer_certificate_subject(tls_port, cert), "first")
            with httpx.Client(http2=True, verify=cert, timeout=10) as open_client:
                open_client.get(f"{base}/plaintext")
                old_cert = cert + ".old"
                os.rename(cert, old_cert)
                make_certificate(folder, "second")
                tls.send_signal(signal.SIGHUP)
                for _ in range(200):
                    try:
                        if peer_certificate_subject(tls_port, cert) == "second":
                            break
                    except ssl.SSLError:
                        pass  # still the old certificate, which the new CA file does not trust
                    time.sleep(0.02)
                else:
                    raise AssertionError("the new certificate was not served after SIGHUP")
                # The connection opened before the reload still works (it trusts the old one).
                assert_equal(open_client.get(f"{base}/plaintext").text, "Hello, World!")
            assert tls.poll() is None, "hello exited on SIGHUP"
        check("SIGHUP reloads the certificate; an open connection keeps going", reload)
    finally:
        codes = serverprocess.stop(tls), serverprocess.stop(clear)
    check("both servers exit cleanly on SIGTERM", lambda: assert_equal(codes, (0, 0)))
    sys.exit(summary())


if __name__ == "__main__":
    main()
