@testable import ProntoCompression
import Testing

@Suite("Accept-Encoding negotiation")
struct AcceptEncodingTests {
    /// A request's Accept-Encoding and the coding chosen (nil: none).
    static let choices: [(String, ContentCoding?)] = [
        ("gzip", .gzip),
        ("deflate", .deflate),
        ("gzip, deflate", .gzip),  // a tie: gzip
        ("deflate, gzip", .gzip),
        ("gzip, deflate, br, zstd", .gzip),  // what browsers send
        ("br", nil),
        ("GZIP", .gzip),  // case-insensitive
        ("x-gzip", .gzip),  // RFC 9110 §8.4.1.3
        ("gzip;q=0.5, deflate", .deflate),
        ("gzip;q=0.5, deflate;q=0.8", .deflate),
        ("gzip ; q=0.9 , deflate ; Q=0.8", .gzip),  // whitespace, case of q
        ("gzip;q=0", nil),
        ("gzip;q=0, deflate", .deflate),
        ("*", .gzip),
        ("*;q=0.3", .gzip),
        ("deflate, *;q=0.5", .deflate),  // deflate 1, gzip 0.5 from *
        ("*, gzip;q=0", .deflate),  // gzip refused by name, deflate through *
        ("*;q=0", nil),
        ("identity", nil),
        ("gzip;q=0.5, identity", nil),  // identity preferred
        ("gzip, identity", .gzip),  // a tie with identity: compress
        ("gzip, identity;q=0", .gzip),
        ("gzip;q=abc", nil),  // a malformed q drops the element
        ("gzip;q=1.5", nil),  // out of range
        ("gzip;q=0.0001", nil),  // more than three decimals
        ("gzip;q=0.001", .gzip),
        ("", nil),
        (" , ,", nil),
    ]

    @Test("the chosen coding follows the q-values, gzip on a tie", arguments: choices)
    func choice(header: String, expected: ContentCoding?) {
        #expect(AcceptEncoding([header]).preferredCoding == expected, "Accept-Encoding: \(header)")
    }

    @Test("several Accept-Encoding fields are one list")
    func severalFields() {
        #expect(AcceptEncoding(["br", "deflate"]).preferredCoding == .deflate)
        #expect(AcceptEncoding(["gzip;q=0.2", "deflate;q=0.1"]).preferredCoding == .gzip)
        #expect(AcceptEncoding([]).preferredCoding == nil)  // no field: no coding
    }

    @Test("identity is refused only by identity;q=0, or *;q=0 without an identity entry (RFC 9110 §12.5.3)")
    func identityRefusal() {
        #expect(AcceptEncoding(["gzip"]).refusesIdentity == false)
        #expect(AcceptEncoding(["gzip, identity;q=0"]).refusesIdentity)
        #expect(AcceptEncoding(["gzip, *;q=0"]).refusesIdentity)
        #expect(AcceptEncoding(["gzip, identity, *;q=0"]).refusesIdentity == false)
        #expect(AcceptEncoding(["*;q=0.5"]).refusesIdentity == false)
        #expect(AcceptEncoding([]).refusesIdentity == false)
    }
}
