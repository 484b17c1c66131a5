import NIOCore

/// A value a route handler can return: Pronto turns it into a `Response`.
///
/// `Response`, `String` (text/plain), `ByteBuffer` and `[UInt8]` (application/octet-stream)
/// and `HTTPStatus` (an empty response) conform. A `Codable` type becomes a JSON response by
/// declaring conformance to ``ResponseEncodable`` (the JSON encoding is provided):
/// ```swift
/// struct Greeting: Codable, ResponseEncodable { var message: String }
/// app.get("/hello/{name}") { request in Greeting(message: "Hello \(request.parameter("name")!)") }
/// ```
/// Refines `SendableMetatype`: the route's closure uses the type from whichever event loop
/// serves the request.
public protocol ResponseEncodable: SendableMetatype {
    /// The response for `request`.
    func response(for request: Request) throws -> Response
}

extension Response: ResponseEncodable {
    @inlinable
    public func response(for request: Request) throws -> Response { self }
}

extension String: ResponseEncodable {
    public func response(for request: Request) throws -> Response {
        Response(contentType: "text/plain; charset=utf-8", body: .string(self))
    }
}

extension ByteBuffer: ResponseEncodable {
    public func response(for request: Request) throws -> Response {
        Response(contentType: "application/octet-stream", body: .bytes(self))
    }
}

extension Array: ResponseEncodable where Element == UInt8 {
    public func response(for request: Request) throws -> Response {
        var buffer = request.connection.allocator.buffer(capacity: count)
        buffer.writeBytes(self)
        return Response(contentType: "application/octet-stream", body: .bytes(buffer))
    }
}

extension HTTPStatus: ResponseEncodable {
    public func response(for request: Request) throws -> Response {
        Response(status: self)
    }
}
