#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore

extension Request {
    /// Decodes the JSON body into `T`.
    ///
    /// - Throws: ``HTTPError`` 415 when the Content-Type is not JSON (`application/json` or
    ///   a `+json` type), 400 when the body is missing or does not decode, with the
    ///   decoder's reason and the path of the offending field.
    public func decode<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws(HTTPError) -> T {
        guard let contentType, Self.isJSON(contentType) else {
            throw HTTPError(.unsupportedMediaType, "expected a JSON body (Content-Type: application/json), got \(contentType.map { "'\($0)'" } ?? "no Content-Type")")
        }
        guard let body, body.readableBytes > 0 else {
            throw HTTPError(.badRequest, "expected a JSON body, got an empty one")
        }
        do {
            return try body.withUnsafeReadableBytes { bytes in
                try decoder.decode(T.self, from: Data(bytes))
            }
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, "invalid JSON body: \(Self.describe(error))")
        } catch {
            throw HTTPError(.badRequest, "invalid JSON body: \(error)")
        }
    }

    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingASCIISpaces().lowercased() } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    /// A one-line reason: what was wrong, and where (`user.address.zip`).
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.isEmpty ? "the top level" : codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "expected \(type) at \(path(context.codingPath))"
        case .valueNotFound(let type, let context):
            return "missing \(type) value at \(path(context.codingPath))"
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(path(context.codingPath))"
        case .dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context.codingPath))"
        @unknown default:
            return "\(error)"
        }
    }
}
