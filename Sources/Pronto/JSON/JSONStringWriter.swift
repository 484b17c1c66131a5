import NIOCore

extension ByteBuffer {
    /// Writes `string` as a JSON string literal, quotes included, escaped exactly as
    /// Foundation's `JSONEncoder` does by default (`"`, `\`, `/`, and control characters).
    ///
    /// One escaping routine serves the whole module: this goes through ``JSONBufferEncoder``
    /// (a top-level string: no container box, no allocation).
    public mutating func writeJSONString(_ string: String) {
        do {
            try JSONBufferEncoder().encode(string, into: &self)
        } catch {
            // Only non-finite numbers fail to encode; a String cannot.
            preconditionFailure("encoding a String as JSON failed: \(error)")
        }
    }
}
