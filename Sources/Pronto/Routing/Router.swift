/// Routes a method and a path to a handler: a value type, generic over the handler,
/// `Sendable` when the handler is.
///
/// ```swift
/// var router = Router<Handler>()
/// try router.add(.get, "/users/{id}", showUser)
/// try router.add(.get, "/static/*", serveFile)
/// try router.add(methodName: "PURGE", "/cache/{key}", purge)
/// switch router.match(.get, path: pathBytes) {
/// case .found(let handler, let parameters): …  // parameters.get("id", as: Int.self, in: pathBytes)
/// case .headFallback(let handler, let parameters): …  // GET's handler, send no body
/// case .options(let allowed): …  // 204 with Allow
/// case .methodNotAllowed(let allowed): …  // 405 with Allow
/// case .notFound: …  // 404
/// }
/// ```
///
/// **Patterns** (see `RoutePattern` for every rule): `/` then segments split on `/`,
/// each a literal, a `{name}` parameter or, last, the `*` catch-all (its value is named
/// `*`). Literals are written decoded.
///
/// **Matching** works on the raw bytes of the path (no query): it is split on raw `/`
/// first, so `%2F` is data inside a segment (RFC 3986 §2.2), never a separator; a segment
/// with a `%` is compared to literals after decoding, one without is compared as it is
/// (no copy); parameter values stay byte ranges until asked for, then are decoded once.
/// - Precedence at the first segment where routes differ: literal, then parameter, then
///   catch-all; a route that matches the path without the method gives way to one, less
///   specific, with it.
/// - Trailing slashes are strict: `/a/` is not `/a` (the first ends with an empty
///   segment). A parameter never matches an empty segment, so `/users/` does not match
///   `/users/{id}`; the catch-all may be empty, so `/static/` matches `/static/*` (and
///   `/static` does not).
/// - HEAD without a HEAD route is served by the GET route (``RouteMatch/headFallback(_:_:)``);
///   OPTIONS without an OPTIONS route is ``RouteMatch/options(allowed:)``; another method
///   on a path that has routes is ``RouteMatch/methodNotAllowed(allowed:)``.
///
/// **Groups**: a group's prefix is joined to its patterns by the caller (`"/api" + "/users"`).
///
/// Adding a route recompiles the tree (linear in the number of routes): add them at startup.
public struct Router<Handler> {
    /// Everything in one immutable reference: copying a router (into a request, a task)
    /// is one retain, and ``add(_:_:_:)`` replaces it.
    @usableFromInline
    final class Storage {
        let trie: [RouteNode]
        let routes: [(method: RouteMethod, pattern: String)]
        /// By route index: the parameter names.
        @usableFromInline let names: [[String]]
        @usableFromInline let tree: RouteTree
        /// By route index, the handlers, in memory this object owns: the dispatcher reads its
        /// route in place through a pointer, with no closure over an array buffer to return through.
        @usableFromInline let table: UnsafeMutableBufferPointer<Handler>

        init(trie: [RouteNode], routes: [(method: RouteMethod, pattern: String)], names: [[String]], handlers: [Handler], tree: RouteTree) {
            self.trie = trie
            self.routes = routes
            self.names = names
            self.tree = tree
            table = .allocate(capacity: handlers.count)
            _ = table.initialize(from: handlers)
        }

        deinit {
            table.deinitialize()
            table.deallocate()
        }
    }

    @usableFromInline
    var storage = Storage(trie: [RouteNode()], routes: [], names: [], handlers: [], tree: RouteTree())
    private var trie: [RouteNode] { storage.trie }

    /// An empty router: add routes with `add(_:_:_:)`, then match.
    public init() {}

    /// The routes in the order they were added: method name and pattern.
    public var routes: [(method: String, pattern: String)] {
        storage.routes.map { ($0.method.name, $0.pattern) }
    }

    /// Adds a route for a registered method. `HTTPMethod/other` has no name: use
    /// ``add(methodName:_:_:)``.
    /// - Throws: ``RoutingError`` for an invalid pattern or a conflict with a route of the
    ///   same method and shape (`/a/{x}` and `/a/{y}` are the same shape).
    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: Handler) throws(RoutingError) {
        let index = RouteMethod.index(method)
        guard index != RouteMethod.none else {
            throw RoutingError(.invalidMethod, "HTTPMethod.other has no name: add the route for \(String(reflecting: pattern)) with add(methodName:_:_:)")
        }
        try add(.known(index), pattern, handler)
    }

    /// Adds a route for a method by name, case-sensitive: `"GET"` is `HTTPMethod/get`,
    /// `"PURGE"` an other method.
    public mutating func add(methodName: String, _ pattern: String, _ handler: Handler) throws(RoutingError) {
        try add(RouteMethod(name: methodName), pattern, handler)
    }

    private mutating func add(_ method: RouteMethod, _ text: String, _ handler: Handler) throws(RoutingError) {
        let pattern = try RoutePattern(text)
        // Walk the trie (without changing it until the route is known to fit).
        var node = 0
        var missing: ArraySlice<RoutePattern.Segment> = []
        for (i, segment) in pattern.segments.enumerated() {
            guard let next = child(of: node, segment) else {
                missing = pattern.segments[i...]
                break
            }
            node = next
        }
        if missing.isEmpty, let existing = trie[node].routes.first(where: { $0.method == method }) {
            let other = storage.routes[existing.route].pattern
            let sameText = other == text
            throw RoutingError(
                .conflict,
                "route conflict: \(method.name) \(String(reflecting: text)) "
                    + (sameText ? "is already registered" : "has the same shape as \(method.name) \(String(reflecting: other)), already registered")
                    + " (the same method and path shape can have one handler only)"
            )
        }
        var newTrie = storage.trie
        for segment in missing {
            let new = newTrie.count
            var created = RouteNode()
            switch segment {
            case .literal(let bytes):
                created.label = bytes
                newTrie[node].statics.append(new)
            case .parameter:
                newTrie[node].parameter = new
            case .catchAll:
                newTrie[node].catchAll = new
            }
            newTrie.append(created)
            node = new
        }
        newTrie[node].routes.append(RouteNode.MethodRoute(method: method, route: storage.routes.count))
        storage = Storage(
            trie: newTrie, routes: storage.routes + [(method, text)], names: storage.names + [pattern.parameterNames],
            handlers: Array(storage.table) + [handler], tree: RouteTree(compiling: newTrie)
        )
    }

    private func child(of node: Int, _ segment: RoutePattern.Segment) -> Int? {
        let n = trie[node]
        switch segment {
        case .literal(let bytes): return n.statics.first { trie[$0].label == bytes }
        case .parameter: return n.parameter >= 0 ? n.parameter : nil
        case .catchAll: return n.catchAll >= 0 ? n.catchAll : nil
        }
    }

    // MARK: Matching

    /// Matches a registered method and the raw bytes of a path (without query). Parameters
    /// are byte ranges into `path`: read them with the same bytes
    /// (``Parameters/get(_:as:in:)``) or ``Parameters/materialize(in:)`` them.
    /// `HTTPMethod/other` matches no route (use ``match(methodName:path:)``).
    @inlinable
    public func match(_ method: HTTPMethod, path: UnsafeRawBufferPointer) -> RouteMatch<Handler> {
        match(known: RouteMethod.index(method), other: nil, path: path)
    }

    /// Matches a method by name (case-sensitive) and the raw bytes of a path.
    public func match(methodName: String, path: UnsafeRawBufferPointer) -> RouteMatch<Handler> {
        let key = RouteMethod.searchKey(name: methodName)
        return match(known: key.known, other: key.other, path: path)
    }

    /// Matches a registered method and a path (as received, percent-encoded, without query);
    /// the parameters are materialised.
    public func match(_ method: HTTPMethod, _ path: String) -> RouteMatch<Handler> {
        var path = path
        return path.withUTF8 { materialized(match(method, path: UnsafeRawBufferPointer($0)), UnsafeRawBufferPointer($0)) }
    }

    /// Matches a method by name and a path; the parameters are materialised.
    public func match(methodName: String, _ path: String) -> RouteMatch<Handler> {
        var path = path
        return path.withUTF8 { materialized(match(methodName: methodName, path: UnsafeRawBufferPointer($0)), UnsafeRawBufferPointer($0)) }
    }

    /// Inlinable, so that it is specialised for the handler type where it is called: the
    /// search itself (``RouteTree/find(known:other:path:slots:)``) is not generic.
    @inlinable
    func match(known: UInt8, other: String?, path: UnsafeRawBufferPointer) -> RouteMatch<Handler> {
        var slots = ParameterSlots()
        let storage = self.storage
        switch storage.tree.find(known: known, other: other, path: path, slots: &slots) {
        case .route(let index, let headFallback):
            let parameters = Parameters(names: storage.names[index], slots: slots)
            let handler = storage.table[index]
            return headFallback ? .headFallback(handler, parameters) : .found(handler, parameters)
        case .pathOnly(let allowed):
            return known == RouteMethod.options ? .options(allowed: allowed) : .methodNotAllowed(allowed: allowed)
        case .notFound:
            return .notFound
        }
    }

    /// The index of the route `known` and `path` select, for ``withHandler(at:_:)``; nil when
    /// no route takes it. No ``Parameters`` are built: the dispatcher's look-up.
    @inline(__always)
    func routeIndex(known: UInt8, other: String?, path: UnsafeRawBufferPointer) -> Int? {
        var slots = ParameterSlots()
        switch storage.tree.find(known: known, other: other, path: path, slots: &slots) {
        case .route(let index, _): return index
        case .pathOnly, .notFound: return nil
        }
    }

    /// Calls `body` with the handler of route `index` (from ``routeIndex(known:other:path:)``)
    /// borrowed in place: no copy of the route (a copy of the app's compiled route retained its
    /// closures and names: 4 retains and 6 releases per request, counted with uprobes), and
    /// `body`'s result is returned as it is, not through an optional.
    @inline(__always)
    func withHandler<R>(at index: Int, _ body: (borrowing Handler) throws -> R) rethrows -> R {
        // In range: the index came from this router's tree, whose routes are the table's.
        try body(storage.table[index])
    }

    private func materialized(_ match: RouteMatch<Handler>, _ path: UnsafeRawBufferPointer) -> RouteMatch<Handler> {
        switch match {
        case .found(let handler, let parameters): .found(handler, parameters.materialized(in: path))
        case .headFallback(let handler, let parameters): .headFallback(handler, parameters.materialized(in: path))
        default: match
        }
    }
}

extension Router: Sendable where Handler: Sendable {}
// Immutable (`let` only) and final: safe to share when the handlers are.
extension Router.Storage: @unchecked Sendable where Handler: Sendable {}
