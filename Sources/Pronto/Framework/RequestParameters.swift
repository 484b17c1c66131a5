extension Request {
    /// The path parameters of the route that matched (found by ``App``'s router): byte
    /// ranges into the path, read with ``Parameters/value(_:in:)`` and the path's bytes
    /// (``withPathBytes(_:)``), or more simply with ``parameter(_:)``. Empty when no route
    /// with parameters matched.
    public var parameters: Parameters {
        withPathBytes { routeParameters(in: $0) }
    }

    /// The decoded value of the path parameter `name` (`{name}` in the route, `*` for the
    /// catch-all), or nil when the route has none by that name.
    public func parameter(_ name: String) -> String? {
        // Straight from the route's layout: no `Parameters` value is built (its arrays cost a
        // retain and a release each, counted with uprobes), only this parameter's segment found.
        guard let layout = routeLayout, let index = layout.index(of: name) else { return nil }
        return withPathBytes { path in PathDecoding.string(UnsafeRawBufferPointer(rebasing: path[layout.range(at: index, in: path)])) }
    }

    /// The path parameter `name` converted to `T`.
    ///
    /// - Throws: ``ParameterError``, answered with 400 naming the parameter and the value
    ///   when it does not convert (500 when the route has no such parameter: a bug).
    public func parameter<T: LosslessStringConvertible>(_ name: String, as type: T.Type) throws(ParameterError) -> T {
        try Parameters.converted(name, parameter(name))
    }

    /// The parameters of the matched route in `path` (this request's path bytes).
    private func routeParameters(in path: UnsafeRawBufferPointer) -> Parameters {
        routeLayout?.parameters(in: path) ?? Parameters()
    }

    /// Calls `body` with the raw bytes of the path (no query), where route parameters point.
    @inlinable
    public func withPathBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let range = head.pathRange
        let result: Result<R, E> = withHeadBytes { bytes in
            do throws(E) {
                return .success(try body(UnsafeRawBufferPointer(rebasing: bytes[range.range])))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

extension ParameterError: ResponseError {
    /// 400 for a value that does not convert, 500 for a parameter the route does not have.
    public var response: Response {
        Response(status: status, contentType: "text/plain; charset=utf-8", body: .string(description + "\n"))
    }
}
