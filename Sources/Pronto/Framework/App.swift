import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A web application: routes, middleware, lifecycle hooks, and the server that runs them.
///
/// ```swift
/// let app = App()
/// app.get("/hello/{name}") { request in
///     "Hello, \(request.parameter("name") ?? "world")!"
/// }
/// try await app.run()
/// ```
/// Register everything before ``run()`` or ``start()`` (or in an ``onStartup(_:)`` hook);
/// the routes are compiled into a tree then, and a conflict (two routes of the same method
/// and shape) or an invalid pattern is thrown from there, naming both routes.
///
/// Registration closes when the routes are compiled: by ``start()`` once the startup hooks
/// have run, or by ``makeHandler()``. A route, middleware or startup hook registered later
/// would never be served or run, so it is refused: nothing is added, and an error naming
/// what was refused (a route by method and pattern) is logged to the configuration's
/// logger. It is not a trap, since a running server should not crash over a route; nor a
/// thrown error, so that registration stays a plain call (`app.get(...)`).
public final class App: RouteBuilder, Sendable {
    /// How the app's server listens and its limits; fixed when the app is made.
    public let configuration: ServerConfiguration
    /// Whether ``run()`` stops on SIGINT and SIGTERM. Set it to false when the app runs in a
    /// swift-service-lifecycle `ServiceGroup`, which handles signals and shuts services down.
    public let handlesSignals: Bool

    private struct Route {
        let method: String
        let pattern: String
        let handler: RouteHandler
        let middleware: [any Middleware]
        let bodyPolicy: RequestBodyPolicy
    }

    private struct State {
        var routes: [Route] = []
        var middleware: [any Middleware] = []
        var startupHooks: [@Sendable (App) async throws -> Void] = []
        var shutdownHooks: [@Sendable (App) async throws -> Void] = []
        var server: Server?
        /// The server's event loops. The app owns them (not the server) so that shutdown
        /// hooks still have them: a hook may close clients bound to these loops, such as
        /// database connections that serve requests without a thread hop.
        var eventLoopGroup: MultiThreadedEventLoopGroup?
        var shutdownHooksRan = false
        /// Set by the first ``start()``: an app starts once.
        var startCalled = false
        /// Set when the routes are compiled: later registrations are refused.
        var registrationClosed = false
    }

    private let state = NIOLockedValueBox(State())

    /// An app served with `configuration`; with `handlesSignals`, `run()` stops gracefully on SIGINT and SIGTERM.
    public init(configuration: ServerConfiguration = .init(), handlesSignals: Bool = true) {
        self.configuration = configuration
        self.handlesSignals = handlesSignals
    }

    // MARK: Registration

    /// Adds middleware around every request, routed or not (404, 405 and OPTIONS answers
    /// too), in the order given: the first sees the request first.
    public func use(_ middleware: any Middleware...) {
        let names = middleware.map { "\(type(of: $0))" }.joined(separator: ", ")
        addRegistration("middleware \(names)") { $0.middleware += middleware }
    }

    /// Routes under `prefix`, with `middleware` around them (inside the app's).
    public func group(_ prefix: String, middleware: [any Middleware] = []) -> RouteGroup {
        RouteGroup(app: self, prefix: prefix, middleware: middleware)
    }

    /// Registers a synchronous route (see `RouteBuilder`).
    public func on<R: ResponseEncodable>(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping @Sendable (Request) throws -> R) {
        group("").on(method, pattern, handler)
    }

    /// Registers a synchronous route answering a `Response` (see `RouteBuilder`).
    public func on(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping @Sendable (Request) throws -> Response) {
        group("").on(method, pattern, handler)
    }

    /// Registers an async route (see `RouteBuilder`).
    public func on<R: ResponseEncodable>(_ method: HTTPMethod, _ pattern: String, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) {
        group("").on(method, pattern, handler)
    }

    /// Registers an async route for a method outside `HTTPMethod`'s cases (see `RouteBuilder`).
    public func on<R: ResponseEncodable>(methodName: String, _ pattern: String, _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R) {
        group("").on(methodName: methodName, pattern, handler)
    }

    /// Registers an async route whose body arrives as `body` says (see `RouteBuilder`).
    public func on<R: ResponseEncodable>(
        _ method: HTTPMethod, _ pattern: String, body: RequestBodyPolicy,
        _ handler: nonisolated(nonsending) @escaping @Sendable (Request) async throws -> R
    ) {
        group("").on(method, pattern, body: body, handler)
    }

    func register(
        _ method: String, _ pattern: String, _ handler: RouteHandler, _ middleware: [any Middleware], bodyPolicy: RequestBodyPolicy = .collect
    ) {
        addRegistration("route \(method) \(pattern)") {
            $0.routes.append(Route(method: method, pattern: pattern, handler: handler, middleware: middleware, bodyPolicy: bodyPolicy))
        }
    }

    /// Runs `hook` when the app starts, before it accepts connections (in registration
    /// order). A hook may register routes, middleware and further startup hooks.
    public func onStartup(_ hook: @escaping @Sendable (App) async throws -> Void) {
        addRegistration("startup hook") { $0.startupHooks.append(hook) }
    }

    /// Runs `hook` when the app has stopped serving (in reverse registration order). It may
    /// be registered while the app runs, until the shutdown hooks have run.
    public func onShutdown(_ hook: @escaping @Sendable (App) async throws -> Void) {
        let added = state.withLockedValue { state in
            guard !state.shutdownHooksRan else { return false }
            state.shutdownHooks.append(hook)
            return true
        }
        if !added {
            configuration.logger.error("App.onShutdown: a shutdown hook registered after the shutdown hooks ran is ignored; register it before shutdown()")
        }
    }

    /// Applies `add` unless registration is closed; then refuses it and logs what (`what`) was refused.
    private func addRegistration(_ what: @autoclosure () -> String, _ add: (inout State) -> Void) {
        let added = state.withLockedValue { state in
            guard !state.registrationClosed else { return false }
            add(&state)
            return true
        }
        if !added {
            configuration.logger.error("""
                App: \(what()) registered after the routes were compiled (by start() or makeHandler()) is ignored; \
                register routes, middleware and startup hooks before start(), or in an onStartup hook
                """)
        }
    }

    /// Closes registration and returns the routes and middleware to compile.
    private func closeRegistration() -> (routes: [Route], middleware: [any Middleware]) {
        state.withLockedValue { state in
            state.registrationClosed = true
            return (state.routes, state.middleware)
        }
    }

    // MARK: Serving

    /// The engine handler for the routes registered so far: compiles the router. This
    /// closes registration (see ``App``); calling it again compiles the same routes.
    ///
    /// - Throws: ``RoutingError`` for a conflict or an invalid pattern, naming the routes.
    public func makeHandler() throws -> HTTPHandler {
        let (routes, middleware) = closeRegistration()
        var router = Router<CompiledRoute>()
        for route in routes {
            // App middleware is folded into every route at startup, outside the group's,
            // instead of wrapping the dispatcher: a route behind inline middleware stays
            // synchronous, and the router runs before any middleware.
            let handler = route.handler.wrapped(
                in: middleware + route.middleware, route: RouteDescription(method: route.method, pattern: route.pattern)
            )
            // The pattern is parsed here and again by the router (at startup only); an
            // invalid one throws here the RoutingError the router would throw.
            let compiled = CompiledRoute(
                handler: handler, parameters: ParameterLayout(try RoutePattern(route.pattern)), bodyPolicy: route.bodyPolicy
            )
            if let method = HTTPMethod(name: route.method) {
                try router.add(method, route.pattern, compiled)
            } else {
                try router.add(methodName: route.method, route.pattern, compiled)
            }
        }
        // 404, 405 and automatic OPTIONS answers pass through the app middleware too.
        let unrouted = RouteHandler.sync { [router] request in Self.unroutedResponse(router.match(request)) }
            .wrapped(in: middleware, route: nil)
        // Only an app with streaming routes pays for a second route look-up per request body.
        let streams = routes.contains { $0.bodyPolicy != .collect }
        return HTTPHandler.inPlace(bodyPolicy: streams ? Self.bodyPolicy(router) : nil, Self.dispatcher(router, unrouted: unrouted))
    }

    /// Which bodies stream: those of the routes registered with a streaming ``RequestBodyPolicy``.
    private static func bodyPolicy(_ router: Router<CompiledRoute>) -> @Sendable (Request) -> RequestBodyPolicy {
        { request in
            switch router.match(request) {
            case .found(let route, _), .headFallback(let route, _): route.bodyPolicy
            case .options, .methodNotAllowed, .notFound: .collect
            }
        }
    }

    /// A route as the dispatcher runs it: its handler, middleware included, and where its
    /// parameters lie.
    struct CompiledRoute: Sendable {
        let handler: RouteHandler
        let parameters: ParameterLayout?
        let bodyPolicy: RequestBodyPolicy
    }

    static let notFound = Response(status: .notFound, contentType: "text/plain; charset=utf-8", body: .string("Not Found\n"))

    /// Routing on the raw path bytes. The route's parameter layout is attached to the
    /// request in place (in ``Request/context``, see `Request+Context.swift`: a reference, no
    /// allocation, no copy of the request); the parameters are found from it when a handler asks.
    private static func dispatcher(_ router: Router<CompiledRoute>, unrouted: RouteHandler) -> @Sendable (inout Request) throws -> HandlerResult {
        { request in
            guard let index = router.routeIndex(for: request) else { return try unrouted.result(for: request) }
            return try router.withHandler(at: index) { route -> HandlerResult in
                if let layout = route.parameters { request.routeLayout = layout }
                return try route.handler.result(for: request)
            }
        }
    }

    /// The answer to a request no route takes: 404, 405 with `Allow`, or the automatic OPTIONS.
    private static func unroutedResponse(_ match: RouteMatch<CompiledRoute>) -> Response {
        switch match {
        case .options(let allowed):
            Response(status: .noContent, headers: ["Allow": RouteMatch<CompiledRoute>.allowHeader(allowed)])
        case .methodNotAllowed(let allowed):
            Response(
                status: .methodNotAllowed, contentType: "text/plain; charset=utf-8",
                headers: ["Allow": RouteMatch<CompiledRoute>.allowHeader(allowed)], body: .string("Method Not Allowed\n")
            )
        case .notFound, .found, .headFallback:
            notFound
        }
    }

    /// Runs the startup hooks, compiles the routes and starts listening. Returns the
    /// running server (its `Server/port` tells the port when 0 was asked).
    ///
    /// The configuration is checked first: an invalid value throws a `ConfigurationError`
    /// (see `ServerConfiguration/validate()`) before any hook runs. An app starts once:
    /// a second call throws ``AppError/alreadyStarted`` (even when the first failed) before
    /// it runs a hook or makes any event loop.
    @discardableResult
    public func start() async throws -> Server {
        try configuration.validate()
        try state.withLockedValue { state in
            guard !state.startCalled else { throw AppError.alreadyStarted }
            state.startCalled = true
        }
        try await runStartupHooks()
        let handler = try makeHandler()
        let group = try ServerEventLoops.make(for: configuration)
        let server = Server(configuration: configuration, eventLoopGroup: group, handler: handler)
        do {
            try await server.start()
        } catch {
            await ServerEventLoops.shutdown(group)
            throw error
        }
        state.withLockedValue { state in
            state.server = server
            state.eventLoopGroup = group
        }
        return server
    }

    /// Runs the startup hooks in registration order. ``start()`` calls it; call it yourself
    /// only when you serve ``makeHandler()`` some other way (as ProntoTesting does).
    public func runStartupHooks() async throws {
        // One at a time from the state: a hook may register further hooks, which run too.
        var index = 0
        while let hook = state.withLockedValue({ index < $0.startupHooks.count ? $0.startupHooks[index] : nil }) {
            try await hook(self)
            index += 1
        }
    }

    /// The running server, after ``start()``.
    public var server: Server? { state.withLockedValue { $0.server } }

    /// Stops serving gracefully (see `Server/shutdown()`), then runs the shutdown hooks
    /// (while the server's event loops still run), then stops the event loops
    /// (once, however often this is called). A hook's error is logged.
    public func shutdown() async {
        await server?.shutdown()
        await runShutdownHooks()
        let group: MultiThreadedEventLoopGroup? = state.withLockedValue { state in
            defer { state.eventLoopGroup = nil }
            return state.eventLoopGroup
        }
        if let group { await ServerEventLoops.shutdown(group) }
    }

    private func runShutdownHooks() async {
        let hooks: [@Sendable (App) async throws -> Void] = state.withLockedValue { state in
            if state.shutdownHooksRan { return [] }
            state.shutdownHooksRan = true
            return state.shutdownHooks
        }
        for hook in hooks.reversed() {
            do {
                try await hook(self)
            } catch {
                configuration.logger.error("shutdown hook failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

extension HTTPMethod {
    /// The registered method with this exact (case-sensitive) name.
    init?(name: String) {
        switch name {
        case "GET": self = .get
        case "HEAD": self = .head
        case "POST": self = .post
        case "PUT": self = .put
        case "DELETE": self = .delete
        case "OPTIONS": self = .options
        case "PATCH": self = .patch
        case "CONNECT": self = .connect
        case "TRACE": self = .trace
        default: return nil
        }
    }
}
