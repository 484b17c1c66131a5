#!/bin/bash
# Regenerates Sources/GreetingsAPI/Generated from openapi.yaml with swift-openapi-generator
# (built once into a scratch package: it is not a dependency of the example).
#   Examples/OpenAPI/scripts/generate.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
scratch=${OPENAPI_GENERATOR_DIR:-/tmp/pronto-openapi-generator}
mkdir -p "$scratch"
cat > "$scratch/Package.swift" <<'MANIFEST'
// swift-tools-version: 6.1
import PackageDescription
let package = Package(
    name: "generator",
    dependencies: [.package(url: "https://github.com/apple/swift-openapi-generator", exact: "1.14.3")],
    targets: []
)
MANIFEST
swift build -c release --package-path "$scratch" --product swift-openapi-generator
rm -rf "$here/Sources/GreetingsAPI/Generated"
"$scratch/.build/release/swift-openapi-generator" generate "$here/openapi.yaml" \
    --config "$here/openapi-generator-config.yaml" --output-directory "$here/Sources/GreetingsAPI/Generated"
