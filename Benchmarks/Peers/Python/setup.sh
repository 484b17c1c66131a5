#!/usr/bin/env bash
# Sets up the Python peers of Benchmarks/run.sh in a virtualenv at
# Benchmarks/Peers/Python/.venv (git-ignored): uvloop + httptools from
# requirements.txt, and Japronto built from source when JAPRONTO_SRC is given.
#
#   Benchmarks/Peers/Python/setup.sh                                   # uvloop-httptools only
#   JAPRONTO_SRC=/path/to/japronto Benchmarks/Peers/Python/setup.sh    # and japronto
#
# Environment (all optional):
#   PYTHON=python3     interpreter the virtualenv is made from (3.9 or later; the
#                      venv is kept between runs: rm -rf .venv to start over)
#   JAPRONTO_SRC       a Japronto source tree (with setup.py), or a git directory
#                      (a checkout's .git or a bare mirror; its HEAD is used), of
#                      squeaky-pl/japronto. PyPI has japronto only as cp35-cp37 wheels,
#                      with no source distribution, so on a newer Python it must be
#                      built. The source is copied to a temporary folder, patched there
#                      for the current CPython (one line, see below), and installed into
#                      the venv; nothing is written into JAPRONTO_SRC. Rebuilt only when
#                      the (patched) source or the interpreter changed.
#                      Without it japronto is skipped (an earlier build is kept).
#
# Exits non-zero when uvloop/httptools cannot be installed, or when JAPRONTO_SRC is
# set and the Japronto build fails.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV="$HERE/.venv"
PYTHON=${PYTHON:-python3}
JAPRONTO_SRC=${JAPRONTO_SRC:-}

log() { printf '[python-peers] %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------- virtualenv ----
if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    command -v "$PYTHON" >/dev/null 2>&1 || die "'$PYTHON' not found (set PYTHON=...)"
    log "creating virtualenv $VENV with $("$PYTHON" --version 2>&1)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
fi
VPY="$VENV/bin/python"
"$VPY" -c 'import sys; sys.exit(sys.version_info < (3, 9))' ||
    die "$VENV uses $("$VPY" --version 2>&1); 3.9 or later is needed (rm -rf $VENV and set PYTHON)"
PY_VERSION=$("$VPY" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')

pip_install() { "$VPY" -m pip install --disable-pip-version-check --no-input -q "$@"; }

log "installing $(grep -v '^#' "$HERE/requirements.txt" | xargs) (Python $PY_VERSION)"
pip_install -r "$HERE/requirements.txt"
"$VPY" -c 'import uvloop, httptools' || die "uvloop/httptools do not import in $VENV"

# --------------------------------------------------------------- japronto ----
japronto_imports() {
    "$VPY" -c 'import japronto, japronto.protocol.cprotocol, japronto.protocol.creaper, japronto.request.crequest, japronto.response.cresponse, japronto.router.cmatcher' >/dev/null 2>&1
}

if [[ -z $JAPRONTO_SRC ]]; then
    if japronto_imports; then
        log "japronto: JAPRONTO_SRC not set; keeping the japronto already built in $VENV"
    else
        log "japronto: skipped (JAPRONTO_SRC is not set). PyPI has no japronto for Python $PY_VERSION" \
            "(only cp35-cp37 wheels, no sdist); to build it: JAPRONTO_SRC=/path/to/squeaky-pl/japronto $0"
    fi
    exit 0
fi

BUILD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/japronto-build.XXXXXX")
trap 'rm -rf "$BUILD_DIR"' EXIT

if [[ -f $JAPRONTO_SRC/setup.py && -d $JAPRONTO_SRC/src/japronto ]]; then
    log "japronto: copying the source tree $JAPRONTO_SRC"
    tar -C "$JAPRONTO_SRC" --exclude=./.git --exclude=./build --exclude='*.so' --exclude='*.o' -cf - . |
        tar -C "$BUILD_DIR" -xf -
elif git --git-dir="$JAPRONTO_SRC" rev-parse --verify -q 'HEAD^{commit}' >/dev/null 2>&1; then
    log "japronto: exporting $(git --git-dir="$JAPRONTO_SRC" rev-parse --short HEAD) from the git directory $JAPRONTO_SRC"
    git --git-dir="$JAPRONTO_SRC" archive HEAD | tar -C "$BUILD_DIR" -xf -
else
    die "JAPRONTO_SRC=$JAPRONTO_SRC is neither a Japronto source tree (setup.py, src/japronto) nor a git directory"
fi
[[ -f $BUILD_DIR/setup.py && -f $BUILD_DIR/src/japronto/protocol/cprotocol.c ]] ||
    die "JAPRONTO_SRC=$JAPRONTO_SRC does not look like Japronto (no setup.py / src/japronto/protocol/cprotocol.c)"

# The one change CPython 3.10+ needs: Py_SIZE() is no longer an lvalue (3.11 fails with
# "lvalue required as left operand of assignment" at cprotocol.c Gather_flush);
# Py_SET_SIZE exists since 3.9.
CPROTOCOL="$BUILD_DIR/src/japronto/protocol/cprotocol.c"
sed -i 's/Py_SIZE(gather_buffer) = (ssize_t)gather->len;/Py_SET_SIZE(gather_buffer, (ssize_t)gather->len);/' "$CPROTOCOL"
if grep -q 'Py_SIZE([A-Za-z_>-]*) *= ' "$CPROTOCOL" || ! grep -q 'Py_SET_SIZE(gather_buffer, ' "$CPROTOCOL"; then
    die "japronto: $CPROTOCOL is not the source this script knows how to patch (Py_SIZE assignment in Gather_flush)"
fi

STAMP_FILE="$VENV/japronto.stamp"
STAMP="python=$PY_VERSION src=$(cd "$BUILD_DIR" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
if [[ -f $STAMP_FILE && $(<"$STAMP_FILE") == "$STAMP" ]] && japronto_imports; then
    log "japronto: up to date in $VENV"
    exit 0
fi

log "japronto: building (setup.py, C extensions; a few seconds)"
pip_install -r "$HERE/requirements-japronto-build.txt"
BUILD_LOG="$BUILD_DIR/build.log"
if ! (cd "$BUILD_DIR" && "$VPY" -m pip install --disable-pip-version-check --no-input \
        --no-build-isolation --no-deps --force-reinstall -v .) >"$BUILD_LOG" 2>&1; then
    grep -E 'error|Error' "$BUILD_LOG" | head -n 20 >&2 || true
    tail -n 20 "$BUILD_LOG" >&2
    die "japronto: the build failed (pip install of the patched source, log above)"
fi
japronto_imports || die "japronto: built but its C extensions do not import in $VENV"
printf '%s\n' "$STAMP" >"$STAMP_FILE"
log "japronto: installed $("$VPY" -c 'import japronto; print(japronto.__version__)' 2>/dev/null || echo '?') into $VENV"
