import FuzzSupport
import Foundation
import NIOCore
@testable import Pronto

// url-encoded form decoding: any bytes build a form tree or throw a decoding error, and
// decode into a rich type or throw, without crashing (names nest at most 32 levels, so
// neither the tree nor the decoder's recursion grows without bound); and fields encoded as
// a browser does (percent-escapes, `+` for a space) decode back to the same names and
// values, into `[String: String]` and into `[String: [String]]` for repeated names.

/// A form a handler might declare: scalars, optionals, lists, nesting, a dictionary.
struct Probe: Decodable {
    struct Address: Decodable {
        var street: String?
        var zip: Int?
    }

    var name: String?
    var age: Int?
    var ratio: Double?
    var active: Bool?
    var tags: [String]?
    var scores: [Int]?
    var address: Address?
    var addresses: [Address]?
    var extra: [String: String]?
    var when: Date?
}

/// The test libFuzzer runs on each input (see main.swift).
func fuzzURLEncodedForm(_ bytes: UnsafeRawBufferPointer) {
    var input = FuzzInput(bytes)
    if input.bool() {
        // Arbitrary bytes, as a body.
        let raw = input.rest()
        _ = try? FormTree(urlEncoded: raw)
        _ = try? URLEncodedFormDecoder().decode(Probe.self, from: ByteBuffer(bytes: raw))
        _ = try? URLEncodedFormDecoder().decode([String: String].self, from: ByteBuffer(bytes: raw))
        return
    }
    // Fields with unique names (no brackets: those nest), encoded as a browser does.
    var fields: [(name: String, values: [String])] = []
    while !input.isAtEnd, fields.count < 8 {
        let name = String(decoding: input.run(maxCount: 12).filter { $0 != UInt8(ascii: "[") && $0 != UInt8(ascii: "]") }, as: UTF8.self)
        let values = (0..<input.int(in: 1...3)).map { _ in String(decoding: input.run(maxCount: 16), as: UTF8.self) }
        if !name.isEmpty, !fields.contains(where: { $0.name == name }) { fields.append((name, values)) }
    }
    let body = fields.flatMap { field in field.values.map { formEncoded(field.name) + "=" + formEncoded($0) } }.joined(separator: "&")
    do {
        let lists = try URLEncodedFormDecoder().decode([String: [String]].self, from: body)
        check(lists.count == fields.count, "\(lists.count) names decoded, \(fields.count) sent in \(body)")
        for field in fields {
            check(lists[field.name].map { $0.map(\.utf8).elementsEqual(field.values.map(\.utf8), by: { $0.elementsEqual($1) }) } ?? false,
                "\(field.name): \(String(describing: lists[field.name])) != \(field.values) from \(body)")
        }
        let singles = fields.filter { $0.values.count == 1 }
        let body1 = singles.map { formEncoded($0.name) + "=" + formEncoded($0.values[0]) }.joined(separator: "&")
        let dictionary = try URLEncodedFormDecoder().decode([String: String].self, from: body1)
        check(dictionary.count == singles.count, "\(dictionary.count) fields decoded, \(singles.count) sent in \(body1)")
        for field in singles {
            check(dictionary[field.name].map { $0.utf8.elementsEqual(field.values[0].utf8) } ?? false, "\(field.name) read back differently from \(body1)")
        }
    } catch {
        check(false, "a well-formed form was refused: \(error) for \(body)")
    }
}

/// `application/x-www-form-urlencoded` as a browser writes it: unreserved bytes as they
/// are, a space as `+`, every other byte `%XX`.
func formEncoded(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "*"):
            out.append(Character(UnicodeScalar(byte)))
        case UInt8(ascii: " "): out.append("+")
        default: out += "%" + String(byte, radix: 16, uppercase: true).leftPadded
        }
    }
    return out
}

extension String {
    /// Two hex digits.
    var leftPadded: String { count == 1 ? "0" + self : self }
}
