#!/usr/bin/env bash
# Builds the DocC documentation of every library product with swift-docc-plugin, warnings
# as errors (an unresolved symbol link, a malformed topic group fails it). The archives land
# in .build/plugins/Swift-DocC/outputs/<Target>.doccarchive.
#   scripts/docs.sh [TARGET...]        (default: every library target)
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(ProntoHTTP ProntoCore Pronto ProntoTesting ProntoCompression ProntoMetrics ProntoPrometheus
             ProntoTracing ProntoHTTPTypes ProntoOpenAPI ProntoConfiguration ProntoHTTP2 ProntoTLS)
fi
for target in "${TARGETS[@]}"; do
    echo "==> documentation: $target"
    log=$(mktemp)
    if ! swift package --disable-sandbox generate-documentation --target "$target" --warnings-as-errors >"$log" 2>&1; then
        grep -E "warning:|error:|-->" "$log" | grep -v "found 1 file(s) which are unhandled" | head -40
        rm -f "$log"
        echo "documentation of $target has warnings (above): fix the links (\`\`Symbol\`\` of this module only; other modules' symbols in single backticks)" >&2
        exit 1
    fi
    rm -f "$log"
done
