import Foundation
import FuzzSupport
import NIOCore
import Pronto

// Pronto's JSON encoder (`JSONBufferEncoder`) on fuzz-built values of every scalar type,
// nested through every kind of container: it throws exactly when Foundation's
// `JSONEncoder` does (non-finite numbers) and then leaves the buffer as it was; otherwise
// Foundation's `JSONDecoder` reads back every value as it was encoded, and where key order
// cannot differ the bytes are Foundation's own.

/// The test libFuzzer runs on each input (see main.swift).
func fuzzJSON(_ bytes: UnsafeRawBufferPointer) {
    var input = FuzzInput(bytes)
    let value = FuzzValue(&input)
    var buffer = ByteBuffer(string: "prefix")
    let foundation = try? JSONEncoder().encode(value)
    do {
        try JSONBufferEncoder().encode(value, into: &buffer)
    } catch {
        check(foundation == nil, "Pronto threw \(error) where Foundation encoded \(value)")
        check(buffer.readableBytesView.elementsEqual("prefix".utf8), "a failed encode changed the buffer")
        return
    }
    guard let foundation else { return check(false, "Pronto encoded what Foundation refuses: \(value)") }
    check(value.isFinite, "a non-finite value was encoded")
    check(buffer.readString(length: 6) == "prefix", "the encoder wrote over the buffer's bytes")
    let json = Data(buffer.readableBytesView)
    if value.hasOneOrderOnly {
        check(json == foundation, "\(String(decoding: json, as: UTF8.self)) != Foundation's \(String(decoding: foundation, as: UTF8.self))")
    }
    let decoder = JSONDecoder()
    decoder.userInfo[Shaped.expectedKey] = Shaped.Box(value)
    do {
        _ = try decoder.decode(Shaped.self, from: json)
    } catch {
        check(false, "Foundation cannot read \(String(decoding: json, as: UTF8.self)) back: \(error)")
    }
}
