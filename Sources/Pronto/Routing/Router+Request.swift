import ProntoCore

/// Matching a `Request`: on its raw path bytes, no `String` made.
extension Router {
    /// The route for `request` passed to `body` borrowed (see
    /// `withRoute(known:other:path:_:)`): the dispatcher's look-up. Nil when no route takes it.
    @inline(__always)
    func withRoute<R>(for request: Request, _ body: (borrowing Handler) throws -> R) rethrows -> R? {
        let method = request.method
        let pathRange = request.head.pathRange
        return try request.headBytes.withUnsafeReadableBytes { bytes in
            let path = UnsafeRawBufferPointer(rebasing: bytes[pathRange.range])
            guard method == .other else { return try withRoute(known: RouteMethod.index(method), other: nil, path: path, body) }
            let key = RouteMethod.searchKey(name: request.methodName)
            return try withRoute(known: key.known, other: key.other, path: path, body)
        }
    }

    /// The route for `request`, matched on its raw path bytes.
    @inline(__always)
    func match(_ request: Request) -> RouteMatch<Handler> {
        let method = request.method
        let pathRange = request.head.pathRange
        return request.headBytes.withUnsafeReadableBytes { bytes in
            let path = UnsafeRawBufferPointer(rebasing: bytes[pathRange.range])
            return method == .other ? match(methodName: request.methodName, path: path) : match(method, path: path)
        }
    }
}
