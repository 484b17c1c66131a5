"""Named checks for the scripts that run real clients (client-compat.py, streaming-clients.py):
each check runs, is reported ok or FAIL with the reason, and the run goes on."""

results = []


def check(name, fn):
    """Runs fn; records and prints whether it passed."""
    try:
        fn()
        results.append((name, None))
        print(f"ok   {name}")
    except Exception as error:  # noqa: BLE001 - report every failure, keep going
        results.append((name, error))
        print(f"FAIL {name}: {error!r}")


def assert_equal(actual, expected):
    if actual != expected:
        raise AssertionError(f"expected {expected!r}, got {actual!r}")


def summary():
    """Prints the counts; returns the exit status (1 when a check failed)."""
    failed = [r for r in results if r[1] is not None]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0
