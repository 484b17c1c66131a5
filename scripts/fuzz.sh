#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer: builds the targets of the Fuzz/ package (with
# -sanitize=fuzzer,address) and runs each from its seed corpus in Fuzz/Corpus/<target>.
#
#   scripts/fuzz.sh                        # long: 10,000,000 executions per target
#   scripts/fuzz.sh --short                # 12 s per target (what scripts/test.sh runs)
#   scripts/fuzz.sh --runs 50000000        # executions per target
#   scripts/fuzz.sh --time 600             # seconds per target
#   scripts/fuzz.sh --runs 10000000 --time 900   # whichever comes first
#   scripts/fuzz.sh RouterFuzzer JSONFuzzer   # only these targets
#   scripts/fuzz.sh --no-build …           # run the targets built last time
#
# Inputs found are kept in Fuzz/.build/corpus/<target> (a later run goes on from them);
# the committed seeds are never written. A crash, a failed check, a leak or an input
# running over 10 s is saved as Fuzz/.build/artifacts/<target>-crash-… (or leak-, timeout-)
# and fails the run. Each target's log is Fuzz/.build/logs/<target>.log. Replay an input:
#   Fuzz/.build/release/<target> <file>
# The table at the end gives, per target: executions, edges covered (cov), features (ft),
# the corpus size and the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS_ALL=(RequestParserFuzzer ChunkedDecoderFuzzer ConnectionFuzzer RouterFuzzer JSONFuzzer
    WebSocketFrameFuzzer UTF8Fuzzer URLEncodedFormFuzzer MultipartFuzzer)
runs=10000000
seconds=""
build=1
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --short) runs=""; seconds=12 ;;
        --runs) runs="$2"; runs_given=1; shift ;;
        --time) seconds="$2"; [[ -n "${runs_given:-}" ]] || runs=""; shift ;;
        --no-build) build=0 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1") ;;
    esac
    shift
done
[[ ${#targets[@]} -gt 0 ]] || targets=("${TARGETS_ALL[@]}")
limit=()
[[ -z "$runs" ]] || limit+=(-runs="$runs")
[[ -z "$seconds" ]] || limit+=(-max_total_time="$seconds")

FUZZ=Fuzz
BUILD="$FUZZ/.build"
mkdir -p "$BUILD/logs" "$BUILD/artifacts" "$BUILD/corpus"
# The toolchain's lld: the system's gold linker fails on libFuzzer with AddressSanitizer
# (an internal error, or a binary that crashes at start).
LLD="$(dirname "$(readlink -f "$(command -v swiftc)")")/ld.lld"
printf '{ "schemaVersion": "1.0", "linker": { "path": "%s" } }\n' "$LLD" > "$BUILD/lld-toolset.json"

if [[ $build -eq 1 ]]; then
    echo "==> building the fuzz targets (release, -sanitize=fuzzer,address)"
    swift build --package-path "$FUZZ" -c release --toolset "$BUILD/lld-toolset.json" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
fi
BIN="$(swift build --package-path "$FUZZ" -c release --show-bin-path)"

# AddressSanitizer reports crashes itself: Swift's backtracer would race it for the process.
export SWIFT_BACKTRACE=enable=no
failed=0
rows=()
for target in "${targets[@]}"; do
    seeds="$FUZZ/Corpus/$target"
    work="$BUILD/corpus/$target"
    log="$BUILD/logs/$target.log"
    mkdir -p "$work"
    echo "==> $target (${limit[*]})"
    status=0
    # The first directory receives new inputs; the seeds are only read.
    "$BIN/$target" "$work" "$seeds" "${limit[@]}" -timeout=10 -rss_limit_mb=4096 -max_len=4096 \
        -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$target-" > "$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    corpus=$(find "$work" -type f | wc -l)
    outcome=ok
    if [[ $status -ne 0 ]]; then
        failed=1
        if grep -q 'libFuzzer: timeout' "$log"; then outcome=timeout
        elif grep -q 'LeakSanitizer' "$log"; then outcome=leak
        elif grep -q 'fuzz check failed' "$log"; then outcome="check failed"
        else outcome=crash; fi
        grep -E 'fuzz check failed|ERROR: |Fatal error|Test unit written' "$log" | head -n 5 >&2 || true
    fi
    rows+=("$(printf '| %-22s | %12s | %6s | %7s | %6s | %-12s |' "$target" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$outcome")")
done

echo
printf '| %-22s | %12s | %6s | %7s | %6s | %-12s |\n' target executions cov ft corpus outcome
printf '| %-22s | %12s | %6s | %7s | %6s | %-12s |\n' "---" "---:" "---:" "---:" "---:" "---"
printf '%s\n' "${rows[@]}"
if [[ $failed -ne 0 ]]; then
    echo "fuzzing found a failure: see the logs in $BUILD/logs and the inputs in $BUILD/artifacts" >&2
    exit 1
fi
