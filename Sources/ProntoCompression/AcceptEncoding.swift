/// What a request's `Accept-Encoding` fields allow (RFC 9110 §12.5.3), reduced to what
/// the middleware needs: the quality of gzip, deflate, identity and `*`.
///
/// - A coding that is not listed takes the quality of `*`, or 0 (not acceptable) without `*`.
/// - `identity` is acceptable unless the fields say `identity;q=0`, or `*;q=0` without an
///   `identity` entry.
/// - No `Accept-Encoding` at all, or an empty one, chooses no coding: RFC 9110 lets a server
///   pick any coding for a request without the field, but clients that decode send it.
struct AcceptEncoding: Equatable {
    /// The highest quality listed for each name, nil when it is not listed.
    var gzip: Double?
    var deflate: Double?
    var identity: Double?
    var any: Double?

    /// Reads every `Accept-Encoding` field of a request (`values`, in order).
    init(_ values: [String]) {
        for value in values {
            for element in value.split(separator: ",") {
                guard let (name, quality) = Self.parse(element) else { continue }
                switch name {
                case "gzip", "x-gzip": gzip = max(gzip ?? 0, quality)
                case "deflate": deflate = max(deflate ?? 0, quality)
                case "identity": identity = max(identity ?? 0, quality)
                case "*": any = max(any ?? 0, quality)
                default: continue
                }
            }
        }
    }

    /// The quality of `coding`: its own entry, else `*`'s, else 0.
    func quality(of coding: ContentCoding) -> Double {
        switch coding {
        case .gzip: gzip ?? any ?? 0
        case .deflate: deflate ?? any ?? 0
        }
    }

    /// The coding to send: the acceptable one with the highest quality, gzip on a tie; nil
    /// when neither is acceptable, or when `identity` is listed with a higher quality.
    var preferredCoding: ContentCoding? {
        let gzipQuality = quality(of: .gzip)
        let deflateQuality = quality(of: .deflate)
        let coding: ContentCoding = deflateQuality > gzipQuality ? .deflate : .gzip
        let best = max(gzipQuality, deflateQuality)
        guard best > 0 else { return nil }
        if let identity, identity > best { return nil }
        return coding
    }

    /// True when the client said it does not accept an uncoded response.
    var refusesIdentity: Bool {
        if let identity { return identity == 0 }
        return any == 0
    }

    /// One list element, `coding *( OWS ";" OWS name=value )`: the coding's lowercased name
    /// and its quality (1 without `q`); nil for an empty element or a malformed `q`.
    private static func parse(_ element: Substring) -> (String, Double)? {
        let parts = element.split(separator: ";", omittingEmptySubsequences: false)
        let name = parts[0].trimmingOWS.lowercased()
        guard !name.isEmpty else { return nil }
        var quality = 1.0
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, pair[0].trimmingOWS.lowercased() == "q" else { continue }
            // RFC 9110 §12.4.2: a qvalue is 0 to 1 with at most three decimals.
            let text = pair[1].trimmingOWS
            guard text.count <= 5, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                let value = Double(text), (0...1).contains(value)
            else { return nil }
            quality = value
        }
        return (name, quality)
    }
}
