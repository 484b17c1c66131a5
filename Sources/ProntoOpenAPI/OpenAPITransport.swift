import HTTPTypes
import Logging
import OpenAPIRuntime
import Pronto
import ProntoHTTPTypes

/// Serves swift-openapi-generator's handlers on a Pronto app or route group:
/// `ServerTransport` for any `RouteBuilder`.
///
/// ```swift
/// let app = App()
/// try GreetingService().registerHandlers(on: app)                         // App is a transport
/// try GreetingService().registerHandlers(on: OpenAPITransport(app.group("/api", middleware: [auth])))
/// ```
/// Each operation becomes a Pronto route, with Pronto's router, middleware, limits and test
/// client. Request bodies stream into the handler as they arrive (up to the size limit,
/// 413 past it); response bodies of a known size up to ``collectedResponseLimit`` are sent
/// in one write, longer or unknown-length ones stream. An error the generated code throws
/// for bad input (a missing parameter, a body that does not decode) is answered with its
/// own status (400, 415…); an error of the handler is thrown on, so Pronto logs it and
/// answers 500.
public struct OpenAPITransport<Builder: RouteBuilder & Sendable>: ServerTransport, Sendable {
    /// Response bodies of a known size up to this many bytes are collected and sent with
    /// the head; the others stream (1 MiB).
    public static var collectedResponseLimit: Int { 1 << 20 }

    let builder: Builder
    let requestBody: RequestBodyPolicy

    /// Operations registered on `builder`; request bodies stream, up to `maxRequestBodySize`
    /// bytes (nil: no limit).
    public init(_ builder: Builder, maxRequestBodySize: Int? = HTTPLimits.default.maxBodySize) {
        self.builder = builder
        self.requestBody = .stream(maxSize: maxRequestBodySize)
    }

    /// Registers `handler` as the route `method` `path` (an OpenAPI path template).
    ///
    /// - Throws: ``OpenAPITransportError`` for a template Pronto cannot route or a method
    ///   it does not route.
    public func register(
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        let template = try OpenAPIPathTemplate(path)
        let prontoMethod = try Self.prontoMethod(method)
        let route: @Sendable (Request) async throws -> Response = { request in
            guard let metadata = Self.metadata(of: request, template: template) else {
                throw HTTPError(.notFound, "no operation matches \(request.path)")
            }
            let body = request.head.hasBody ? request.bodyStream.map { HTTPBody(RequestBodyChunks(stream: $0), length: Self.length(of: request), iterationBehavior: .single) } : nil
            do {
                let (head, responseBody) = try await handler(request.httpRequest, body, metadata)
                return Response(head, body: try await Self.prontoBody(responseBody, allocator: request.connection.allocator))
            } catch {
                guard let convertible = error as? any HTTPResponseConvertible, convertible.httpStatus.code < 500 else { throw error }
                var head = HTTPResponse(status: convertible.httpStatus)
                head.headerFields = convertible.httpHeaderFields
                if head.headerFields[.contentType] == nil, convertible.httpBody == nil {
                    head.headerFields[.contentType] = "text/plain; charset=utf-8"
                    return Response(head, body: .string("\(head.status.code) \(head.status.reasonPhrase): \(Self.reason(error))\n"))
                }
                return Response(head, body: try await Self.prontoBody(convertible.httpBody, allocator: request.connection.allocator))
            }
        }
        if requestBody == .collect || prontoMethod == .get || prontoMethod == .head {
            builder.on(prontoMethod, template.pattern, route)
        } else {
            builder.on(prontoMethod, template.pattern, body: requestBody, route)
        }
    }

    static func prontoMethod(_ method: HTTPRequest.Method) throws(OpenAPITransportError) -> HTTPMethod {
        switch method {
        case .get: .get
        case .put: .put
        case .post: .post
        case .delete: .delete
        case .options: .options
        case .head: .head
        case .patch: .patch
        case .trace: .trace
        default: throw .unsupportedMethod(method.rawValue)
        }
    }

    /// The template's path parameters, raw (the generated code percent-decodes them); nil
    /// when a mixed segment does not fit its template.
    static func metadata(of request: Request, template: OpenAPIPathTemplate) -> ServerRequestMetadata? {
        request.withPathBytes { path in
            let parameters = request.parameters
            var values: [String: Substring] = [:]
            for name in template.wholeSegmentParameters {
                if let value = parameters.rawValue(name, in: path) { values[name] = Substring(value) }
            }
            for segment in template.mixedSegments {
                guard let raw = parameters.rawValue(segment.routeParameter, in: path),
                      let matched = OpenAPIPathTemplate.match(Substring(raw), segment.pieces) else { return nil }
                for (name, value) in matched { values[name] = value }
            }
            return ServerRequestMetadata(pathParameters: values)
        }
    }

    static func length(of request: Request) -> HTTPBody.Length {
        request.head.contentLength.map { .known(Int64($0)) } ?? .unknown
    }

    /// `body` as Pronto sends it: collected when small and of known size, else streamed.
    static func prontoBody(_ body: HTTPBody?, allocator: ByteBufferAllocator) async throws -> Response.Body {
        guard let body else { return .empty }
        var known: Int?
        if case .known(let length) = body.length { known = Int(length) }
        if let known, known <= collectedResponseLimit {
            var buffer = allocator.buffer(capacity: known)
            for try await chunk in body { buffer.writeBytes(chunk) }
            return .bytes(buffer)
        }
        return .stream(ResponseBodyStream(contentLength: known) { writer in
            for try await chunk in body { try await writer.write(ByteBuffer(bytes: chunk)) }
        })
    }

    /// What went wrong, for a 4xx answer's text: the generated code's own words.
    static func reason(_ error: any Error) -> String {
        if let serverError = error as? OpenAPIRuntime.ServerError { return String(describing: serverError.underlyingError) }
        return String(describing: error)
    }
}

/// A request body stream as the `ArraySlice<UInt8>` chunks `HTTPBody` takes.
struct RequestBodyChunks: AsyncSequence, Sendable {
    typealias Element = ArraySlice<UInt8>
    let stream: RequestBodyStream

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBodyStream.AsyncIterator

        mutating func next() async throws -> ArraySlice<UInt8>? {
            guard let buffer = try await base.next() else { return nil }
            return ArraySlice(buffer.readableBytesView)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: stream.makeAsyncIterator()) }
}

extension App: ServerTransport {
    /// Registers an OpenAPI operation as a route of this app (see ``OpenAPITransport``;
    /// request bodies are limited by `ServerConfiguration/limits`).
    public func register(
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        try OpenAPITransport(self, maxRequestBodySize: configuration.limits.maxBodySize).register(handler, method: method, path: path)
    }
}
