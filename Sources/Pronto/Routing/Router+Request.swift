import ProntoCore

/// Matching a `Request`: on its raw path bytes, no `String` made.
extension Router {
    /// The index of the route for `request` (see ``routeIndex(known:other:path:)``): the
    /// dispatcher's look-up. Nil when no route takes it.
    @inline(__always)
    func routeIndex(for request: Request) -> Int? {
        let method = request.method
        let pathRange = request.head.pathRange
        return request.headBytes.withUnsafeReadableBytes { bytes in
            let path = UnsafeRawBufferPointer(rebasing: bytes[pathRange.range])
            guard method == .other else { return routeIndex(known: RouteMethod.index(method), other: nil, path: path) }
            let key = RouteMethod.searchKey(name: request.methodName)
            return routeIndex(known: key.known, other: key.other, path: path)
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
