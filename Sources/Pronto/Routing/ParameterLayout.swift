/// Where a route's parameters lie in a path the route matched: their names, and the
/// pattern segment each one is. One per route, made when the app compiles its routes.
///
/// A request carries a reference to its route's layout (`Request+Context.swift`) instead of
/// the parameters' byte ranges, and finds the ranges again from its path when a handler
/// asks: one word in the request instead of ten, no copying of ranges through middleware,
/// and a few dozen byte compares for the handler that reads a parameter. The ranges are
/// found the way the router's matcher finds them (``RouteTree``): the path is split on its
/// raw `/`, a `{name}` is its whole segment, the catch-all `*` (last) is the rest of the
/// path from the start of its segment.
final class ParameterLayout: Sendable {
    /// The parameter names in pattern order (`*` for the catch-all).
    let names: [String]
    /// The pattern segment of each parameter, ascending.
    private let segments: [Int]
    /// True when the last parameter is the catch-all.
    private let endsWithCatchAll: Bool

    /// The layout of `pattern`; nil when it has no parameters (nothing to find).
    init?(_ pattern: RoutePattern) {
        var segments: [Int] = []
        var endsWithCatchAll = false
        for (index, segment) in pattern.segments.enumerated() {
            switch segment {
            case .literal: continue
            case .parameter: segments.append(index)
            case .catchAll:
                segments.append(index)
                endsWithCatchAll = true
            }
        }
        guard !segments.isEmpty else { return nil }
        self.names = pattern.parameterNames
        self.segments = segments
        self.endsWithCatchAll = endsWithCatchAll
    }

    /// The position of `name` in ``names``, or nil when the route has no such parameter.
    @inline(__always)
    func index(of name: String) -> Int? { Parameters.index(of: name, in: names) }

    /// The byte range in `path` of parameter `i` (below ``names``' count), walking only as far
    /// as its segment: what a handler's ``Request/parameter(_:)`` costs, with no ``Parameters``
    /// built. Segment 0 starts after the leading `/` (a matched path has one).
    func range(at i: Int, in path: UnsafeRawBufferPointer) -> Range<Int> {
        let wanted = segments[i]
        let count = path.count
        var segment = 0
        var start = min(1, count)
        while true {
            var end = start
            while end < count, path[end] != UInt8(ascii: "/") { end &+= 1 }
            if segment == wanted { return start..<(endsWithCatchAll && i == segments.count &- 1 ? count : end) }
            // A path with fewer segments than the pattern (not one the route matched).
            guard end < count else { return count..<count }
            start = end &+ 1
            segment &+= 1
        }
    }

    /// The parameters of the route in `path`, the raw bytes of a path it matched: byte
    /// ranges into `path`, as ``Router`` returns them. Every range lies inside `path`,
    /// whatever path is given; one the route did not match gives meaningless values.
    func parameters(in path: UnsafeRawBufferPointer) -> Parameters {
        var slots = ParameterSlots()
        for i in 0..<segments.count { slots.set(i, range(at: i, in: path)) }
        return Parameters(names: names, slots: slots)
    }
}
