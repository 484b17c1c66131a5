/// The route-registration methods shared by ``App`` and ``RouteGroup``.
///
/// Every method comes in a synchronous and an asynchronous form; Swift picks the async one
/// when the closure awaits. A synchronous handler runs inline on the connection's event loop;
/// an async one runs in a task on that same loop. Neither may block the thread.
public protocol RouteBuilder {
    /// Registers `handler` for `method` and `pattern` (relative to the builder's prefix).
    /// A conflict or an invalid pattern is reported when the app starts.
    func on<R: ResponseEncodable>(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping @Sendable (Request) throws -> R)
    /// The same for a handler that returns a `Response`: Swift picks this overload for it,
    /// and the handler is stored as it is. (Through the generic form it was called through a
    /// reabstraction thunk that copied the request and the response: 2 copies of 200 bytes
    /// per request, counted with uprobes on memmove.)
    func on(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping @Sendable (Request) throws -> Response)
    func on<R: ResponseEncodable>(_ method: HTTPMethod, _ pattern: String, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R)
    /// Registers a handler for a method outside `HTTPMethod`'s cases (`PURGE`, `PROPFIND`…).
    func on<R: ResponseEncodable>(methodName: String, _ pattern: String, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R)
    /// Registers `handler` with its request bodies taken as `body` says: with
    /// `RequestBodyPolicy/stream(maxSize:)` the handler runs as soon as the head arrives and
    /// reads `Request/bodyStream` while the body arrives (backpressure: reading from the
    /// socket pauses while the handler lags).
    func on<R: ResponseEncodable>(
        _ method: HTTPMethod, _ pattern: String, body: RequestBodyPolicy,
        _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R
    )
}

extension RouteBuilder {
    /// Registers a synchronous `GET` route: `on(.get, pattern, handler)`; it runs inline on the event loop.
    public func get<R: ResponseEncodable>(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> R) { on(.get, pattern, handler) }
    /// Registers a synchronous `GET` route answering a `Response`: `on(.get, pattern, handler)`, no thunk.
    public func get(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> Response) { on(.get, pattern, handler) }
    /// Registers an async `GET` route: `on(.get, pattern, handler)`.
    public func get<R: ResponseEncodable>(_ pattern: String, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) { on(.get, pattern, handler) }
    /// Registers a synchronous `POST` route: `on(.post, pattern, handler)`; it runs inline on the event loop.
    public func post<R: ResponseEncodable>(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> R) { on(.post, pattern, handler) }
    /// Registers a synchronous `POST` route answering a `Response`: `on(.post, pattern, handler)`, no thunk.
    public func post(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> Response) { on(.post, pattern, handler) }
    /// Registers an async `POST` route: `on(.post, pattern, handler)`.
    public func post<R: ResponseEncodable>(_ pattern: String, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) { on(.post, pattern, handler) }
    /// Registers a synchronous `PUT` route: `on(.put, pattern, handler)`; it runs inline on the event loop.
    public func put<R: ResponseEncodable>(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> R) { on(.put, pattern, handler) }
    /// Registers a synchronous `PUT` route answering a `Response`: `on(.put, pattern, handler)`, no thunk.
    public func put(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> Response) { on(.put, pattern, handler) }
    /// Registers an async `PUT` route: `on(.put, pattern, handler)`.
    public func put<R: ResponseEncodable>(_ pattern: String, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) { on(.put, pattern, handler) }
    /// Registers a synchronous `PATCH` route: `on(.patch, pattern, handler)`; it runs inline on the event loop.
    public func patch<R: ResponseEncodable>(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> R) { on(.patch, pattern, handler) }
    /// Registers a synchronous `PATCH` route answering a `Response`: `on(.patch, pattern, handler)`, no thunk.
    public func patch(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> Response) { on(.patch, pattern, handler) }
    /// Registers an async `PATCH` route: `on(.patch, pattern, handler)`.
    public func patch<R: ResponseEncodable>(_ pattern: String, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) { on(.patch, pattern, handler) }
    /// Registers a synchronous `DELETE` route: `on(.delete, pattern, handler)`; it runs inline on the event loop.
    public func delete<R: ResponseEncodable>(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> R) { on(.delete, pattern, handler) }
    /// Registers a synchronous `DELETE` route answering a `Response`: `on(.delete, pattern, handler)`, no thunk.
    public func delete(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> Response) { on(.delete, pattern, handler) }
    /// Registers an async `DELETE` route: `on(.delete, pattern, handler)`.
    public func delete<R: ResponseEncodable>(_ pattern: String, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) { on(.delete, pattern, handler) }
    /// Registers a synchronous `HEAD` route: `on(.head, pattern, handler)`; it runs inline on the event loop.
    public func head<R: ResponseEncodable>(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> R) { on(.head, pattern, handler) }
    /// Registers a synchronous `HEAD` route answering a `Response`: `on(.head, pattern, handler)`, no thunk.
    public func head(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> Response) { on(.head, pattern, handler) }
    /// Registers an async `HEAD` route: `on(.head, pattern, handler)`.
    public func head<R: ResponseEncodable>(_ pattern: String, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) { on(.head, pattern, handler) }
    /// Registers a synchronous `OPTIONS` route: `on(.options, pattern, handler)`; it runs inline on the event loop.
    public func options<R: ResponseEncodable>(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> R) { on(.options, pattern, handler) }
    /// Registers a synchronous `OPTIONS` route answering a `Response`: `on(.options, pattern, handler)`, no thunk.
    public func options(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> Response) { on(.options, pattern, handler) }
    /// Registers an async `OPTIONS` route: `on(.options, pattern, handler)`.
    public func options<R: ResponseEncodable>(_ pattern: String, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) { on(.options, pattern, handler) }
    /// Registers an async `POST` route whose request body arrives as `body` says (streamed, or collected up to a size).
    public func post<R: ResponseEncodable>(_ pattern: String, body: RequestBodyPolicy, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) { on(.post, pattern, body: body, handler) }
    /// Registers an async `PUT` route whose request body arrives as `body` says (streamed, or collected up to a size).
    public func put<R: ResponseEncodable>(_ pattern: String, body: RequestBodyPolicy, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) { on(.put, pattern, body: body, handler) }
    /// Registers an async `PATCH` route whose request body arrives as `body` says (streamed, or collected up to a size).
    public func patch<R: ResponseEncodable>(_ pattern: String, body: RequestBodyPolicy, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) { on(.patch, pattern, body: body, handler) }
}

/// Routes under a shared path prefix with their own middleware (inside the app's).
///
/// ```swift
/// let api = app.group("/api", middleware: [RequestIDMiddleware()])
/// api.get("/users/{id}") { request in … }   // GET /api/users/{id}
/// ```
public struct RouteGroup: RouteBuilder, Sendable {
    let app: App
    let prefix: String
    let middleware: [any Middleware]

    /// A nested group: prefixes join, middleware accumulates (outer first).
    public func group(_ prefix: String, middleware: [any Middleware] = []) -> RouteGroup {
        RouteGroup(app: app, prefix: self.prefix + prefix, middleware: self.middleware + middleware)
    }

    /// Registers a synchronous route under the group's prefix, behind its middleware.
    public func on<R: ResponseEncodable>(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping @Sendable (Request) throws -> R) {
        // A handler that returns a `Response` is used as it is: no wrapper, no copy.
        if let direct = handler as? @Sendable (Request) throws -> Response {
            return app.register(method.name ?? "", prefix + pattern, .sync(direct), middleware)
        }
        app.register(method.name ?? "", prefix + pattern, .sync { request in try handler(request).response(for: request) }, middleware)
    }

    /// Registers a synchronous route answering a `Response` under the group's prefix, behind its middleware.
    public func on(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping @Sendable (Request) throws -> Response) {
        app.register(method.name ?? "", prefix + pattern, .sync(handler), middleware)
    }

    /// Registers an async route under the group's prefix, behind its middleware.
    public func on<R: ResponseEncodable>(_ method: HTTPMethod, _ pattern: String, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) {
        if let direct = handler as? AsyncResponder {
            return app.register(method.name ?? "", prefix + pattern, .async(direct), middleware)
        }
        app.register(method.name ?? "", prefix + pattern, .async { request in try await handler(request).response(for: request) }, middleware)
    }

    /// Registers an async route for any method token under the group's prefix.
    public func on<R: ResponseEncodable>(methodName: String, _ pattern: String, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) {
        app.register(methodName, prefix + pattern, .async { request in try await handler(request).response(for: request) }, middleware)
    }

    /// Registers an async route under the group's prefix whose body arrives as `body` says.
    public func on<R: ResponseEncodable>(
        _ method: HTTPMethod, _ pattern: String, body: RequestBodyPolicy,
        _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R
    ) {
        let route: RouteHandler = if let direct = handler as? AsyncResponder {
            .async(direct)
        } else {
            .async { request in try await handler(request).response(for: request) }
        }
        app.register(method.name ?? "", prefix + pattern, route, middleware, bodyPolicy: body)
    }
}
