#!/usr/bin/env python3
"""Lists public declarations in Sources/ without a doc comment (`///` above them, past any
attributes). Exits 1 when there is one: every public symbol is documented.

Usage: undocumented.py [DIR...]   (default: every library target under Sources/)
Skipped: members that only restate a protocol requirement the protocol documents
(`description`, `hash(into:)`, `==`, `makeIterator`, `next()`, `init(rawValue:)`, Codable's
`init(from:)`/`encode(to:)`, and Pronto's own middleware, response and body protocols'
requirements), and `public import`/`@_exported import` lines."""
import os
import re
import sys

SKIP_NAMES = re.compile(
    r"\b(var description|var debugDescription|func hash\(into|static func ==|func makeIterator|func makeAsyncIterator|"
    r"mutating func next\(|func next\(|init\(rawValue|init\(from decoder|func encode\(to encoder|var rawValue|typealias Element|"
    r"typealias AsyncIterator|typealias Failure|let rawValue|init\(stringLiteral|init\(integerLiteral|init\(arrayLiteral|init\(dictionaryLiteral|"
    # Implementations of a Pronto protocol's requirements: the protocol documents them.
    r"func willRespond\(to|func didRespond\(to|func didFail\(request|func wrap\(_ handler|func handle\(_ request|"
    r"func response\(for request|func write\(into buffer|struct AsyncIterator|typealias Span|func middleware\(for route)")
DECL = re.compile(r"^\s*(?:@[\w().:, \"]+\s+)*(?:nonisolated(?:\(\w+\))?\s+)?(?:public|open(?=\s+(?:class|func|var|let|init|subscript)))\s+(?!import|extension)")


def undocumented(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    found = []
    for index, line in enumerate(lines):
        if not DECL.match(line) or SKIP_NAMES.search(line):
            continue
        # Walk up past attributes and blank-free wrapped attribute lines.
        above = index - 1
        while above >= 0 and re.match(r"^\s*@[\w.]+(\(.*\))?\s*$", lines[above]):
            above -= 1
        if above >= 0 and (lines[above].strip().startswith("///") or lines[above].strip().endswith("*/")):
            continue
        found.append(f"{path}:{index + 1}: {line.strip()[:110]}")
    return found


def main():
    roots = sys.argv[1:] or [os.path.join("Sources", name) for name in sorted(os.listdir("Sources"))
                             if name not in ("pronto-bench", "CProntoSystem", "ProntoBench")]
    found = []
    for root in roots:
        for folder, _, files in os.walk(root):
            for name in sorted(files):
                if name.endswith(".swift"):
                    found += undocumented(os.path.join(folder, name))
    print("\n".join(found))
    print(f"{len(found)} public declarations without a doc comment", file=sys.stderr)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
