#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh machine:
#   1. installs what the tests need when missing (curl from Debian; requests, h11, httplint from PyPI),
#   2. builds and runs every Swift test (wire format, engine in-process and over sockets),
#   3. runs real clients (curl, Python requests, h11) and httplint against the hello example.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v curl >/dev/null; then
    echo "==> installing curl"
    apt-get update -qq && apt-get install -y -qq curl
fi
if ! python3 -c "import requests, h11, httplint" 2>/dev/null; then
    echo "==> installing Python test clients"
    python3 -m pip install -q --disable-pip-version-check requests h11 httplint
fi

echo "==> swift test"
swift build --build-tests
swift test --skip-build

echo "==> real clients against hello"
swift build --product hello
python3 scripts/client-compat.py "$(swift build --show-bin-path)/hello"
