/// A `Range: bytes=…` header (RFC 9110 §14.1.2) evaluated against a representation's size.
///
/// The outcome is the one thing the response needs: serve the whole representation (no
/// usable Range: absent, not `bytes`, invalid syntax, or refused as abusive), some ranges
/// of it (clipped to the size, sorted, overlapping and adjacent ones merged), or nothing
/// (416: no range is satisfiable).
enum RangeRequest: Equatable, Sendable {
    /// Ignore the header and answer 200 with the whole representation.
    case full
    /// Answer 206 with these ranges (one: a single part; more: multipart/byteranges).
    /// Each is non-empty and inside `0..<size`; sorted and pairwise disjoint, not adjacent.
    case ranges([Range<Int>])
    /// Answer 416 with `Content-Range: bytes */<size>`.
    case unsatisfiable

    /// Abuse limits: the ones nginx and Apache apply, so that a tiny request cannot make
    /// the server send the same bytes many times over or in thousands of tiny parts.
    struct Limits: Equatable, Sendable {
        /// Most ranges served after merging; more is answered with the whole file.
        var maxRanges = 16
        /// Most range-specs read from the header: past this it is not even parsed.
        var maxRangeSpecs = 100
    }

    /// The ranges of `header` for a representation of `size` bytes.
    init(header: String, size: Int, limits: Limits = Limits()) {
        guard let specs = Self.parse(header, maxSpecs: limits.maxRangeSpecs) else {
            self = .full
            return
        }
        // A zero-length representation has no byte to point at: the whole (empty) one is
        // the only sensible answer, which a 200 gives.
        guard size > 0 else {
            self = .full
            return
        }
        var ranges: [Range<Int>] = []
        var requested = 0
        for spec in specs {
            guard let range = spec.clipped(to: size) else { continue }
            ranges.append(range)
            requested += range.count
        }
        guard !ranges.isEmpty else {
            self = .unsatisfiable
            return
        }
        // Asking for more bytes than twice the file means heavy overlap: a single client
        // making the server repeat itself. Serve the file once instead.
        guard ranges.count == 1 || requested <= 2 * size else {
            self = .full
            return
        }
        let merged = Self.merge(ranges)
        guard merged.count <= limits.maxRanges else {
            self = .full
            return
        }
        self = .ranges(merged)
    }

    /// One `first-last`, `first-` or `-suffix`, as written (before clipping).
    enum Spec: Equatable, Sendable {
        case from(Int, through: Int?)
        case suffix(Int)

        /// The bytes this spec selects in `0..<size`, or nil when it selects none.
        func clipped(to size: Int) -> Range<Int>? {
            switch self {
            case .from(let first, let last):
                guard first < size else { return nil }
                return first..<(min(last ?? (size - 1), size - 1) + 1)
            case .suffix(let length):
                guard length > 0 else { return nil }
                return max(0, size - length)..<size
            }
        }
    }

    /// The specs of `header`, or nil when it is not a valid `bytes` range header (which is
    /// then ignored, RFC 9110 §14.2) or has more than `maxSpecs` specs.
    static func parse(_ header: String, maxSpecs: Int = 100) -> [Spec]? {
        let bytes = Array(header.utf8)
        var i = 0
        func skipSpaces() {
            while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
        }
        /// Digits at `i`, saturating instead of overflowing (a huge value is still past the end).
        func number() -> Int? {
            let start = i
            var value = 0
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(bytes[i] - UInt8(ascii: "0")))
                value = o1 || o2 ? Int.max : sum
                i += 1
            }
            return i > start ? value : nil
        }
        skipSpaces()
        // The unit is case-insensitive; nothing else than `bytes` is defined.
        guard bytes.count >= i + 6, bytes[i..<i + 5].map({ $0 | 0x20 }).elementsEqual("bytes".utf8),
            bytes[i + 5] == UInt8(ascii: "=")
        else { return nil }
        i += 6
        var specs: [Spec] = []
        while true {
            skipSpaces()
            if i == bytes.count { break }
            if bytes[i] == UInt8(ascii: ",") {  // an empty list element: allowed by the list rule
                i += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "-") {
                i += 1
                guard let suffix = number() else { return nil }
                specs.append(.suffix(suffix))
            } else {
                guard let first = number(), i < bytes.count, bytes[i] == UInt8(ascii: "-") else { return nil }
                i += 1
                let last = number()
                if let last, last < first { return nil }  // invalid, so the header is ignored
                specs.append(.from(first, through: last))
            }
            guard specs.count <= maxSpecs else { return nil }
            skipSpaces()
            if i == bytes.count { break }
            guard bytes[i] == UInt8(ascii: ",") else { return nil }
            i += 1
        }
        return specs.isEmpty ? nil : specs
    }

    /// `ranges` with overlapping and adjacent ones merged (then sorted, which RFC 9110
    /// §14.2 allows for coalesced ranges); in the order asked when none touch.
    static func merge(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var merged: [Range<Int>] = []
        merged.reserveCapacity(ranges.count)
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged.count == ranges.count ? ranges : merged
    }
}
