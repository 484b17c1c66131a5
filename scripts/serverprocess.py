"""Starting and stopping an example server for the scripts' HTTP checks (client-compat.py,
world-smoke.py): an ephemeral port, a bounded wait until it accepts, SIGTERM to stop."""
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(argv, port, name, timeout=20, **popen):
    """Runs argv (which makes it listen on 127.0.0.1:port) and returns the process once a
    TCP connection succeeds; exits with the reason if it dies or times out first."""
    process = subprocess.Popen(argv, **popen)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            if process.poll() is not None:
                stderr = process.stderr.read().decode() if process.stderr else ""
                raise SystemExit(f"{name} exited with status {process.returncode} before listening {stderr}")
            time.sleep(0.05)
    process.kill()
    raise SystemExit(f"{name} did not start listening within {timeout} s")


def stop(process, timeout=15):
    """SIGTERM, then the exit status, or "killed" when it did not exit within timeout."""
    process.terminate()
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return "killed"
