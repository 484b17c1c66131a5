/// The router's trie compiled for matching: plain-value arrays (no references to follow or
/// retain while matching), walked directly on the path's bytes.
///
/// Matching is a depth-first search over the path's raw segments (split on raw `/`, so a
/// `%2F` stays inside its segment) trying, at each node, the static child whose label equals
/// the segment (compared raw when the segment has no `%`, decoded otherwise), then the
/// parameter child (non-empty segments only), then the catch-all child (the rest of the
/// path, possibly empty). The first node reached at the end of the path that has a route
/// for the method wins, so static beats parameter beats catch-all at the first segment
/// where two routes differ, and a more specific route without the method gives way to a
/// less specific one with it. The search only follows edges of the trie, so its depth is
/// bounded by the longest pattern, not by the path.
@usableFromInline
struct RouteTree: Sendable {
    struct Node: Sendable {
        var childStart: Int32 = 0
        var childCount: Int32 = 0
        var parameter: Int32 = -1
        var catchAll: Int32 = -1
        var methodStart: Int32 = 0
        var methodCount: Int32 = 0
        /// Bit `i` set when a route of `RouteMethod.known[i]` ends here.
        var knownMask: UInt16 = 0
        var hasOthers = false
    }

    struct Child: Sendable {
        /// The label's ``key(_:_:)``: siblings rarely share one, so most mismatches stop here.
        var key: UInt32
        var node: Int32
        var labelStart: Int32
        var labelCount: Int32
    }

    /// Length, first and last byte of a label in one word (0 for an empty label).
    @inline(__always)
    static func key(_ p: UnsafeRawPointer, _ count: Int) -> UInt32 {
        guard count > 0 else { return 0 }
        let first = UInt32(p.load(as: UInt8.self))
        let last = UInt32(p.load(fromByteOffset: count &- 1, as: UInt8.self))
        return UInt32(truncatingIfNeeded: min(count, 0xFFFF)) << 16 | first << 8 | last
    }

    struct Method: Sendable {
        /// `RouteMethod` index, or `RouteMethod.none` for an other method.
        var known: UInt8
        /// Index into `otherNames` for an other method.
        var other: Int32
        /// Index into the router's routes.
        var route: Int32
    }

    private(set) var nodes: [Node] = [Node()]
    private var children: [Child] = []
    /// Every label's bytes, one after the other; never empty, so its base address exists.
    private var labels: [UInt8] = [0]
    private var methods: [Method] = []
    private var otherNames: [String] = []

    init() {}

    init(compiling trie: [RouteNode]) {
        nodes = []
        nodes.reserveCapacity(trie.count)
        for node in trie {
            var compiled = Node()
            compiled.childStart = Int32(children.count)
            compiled.childCount = Int32(node.statics.count)
            // Siblings sorted by key, so a wide node is searched by bisection (see
            // `staticChild`); their order never matters, since no two labels are equal.
            var siblings: [Child] = []
            for s in node.statics {
                let label = trie[s].label
                let key = label.withUnsafeBytes { RouteTree.key($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, label.count) }
                siblings.append(Child(key: key, node: Int32(s), labelStart: Int32(labels.count), labelCount: Int32(label.count)))
                labels.append(contentsOf: label)
            }
            children.append(contentsOf: siblings.sorted { $0.key < $1.key })
            compiled.parameter = Int32(node.parameter)
            compiled.catchAll = Int32(node.catchAll)
            compiled.methodStart = Int32(methods.count)
            compiled.methodCount = Int32(node.routes.count)
            for entry in node.routes {
                switch entry.method {
                case .known(let i):
                    compiled.knownMask |= 1 << UInt16(i)
                    methods.append(Method(known: i, other: -1, route: Int32(entry.route)))
                case .other(let name):
                    compiled.hasOthers = true
                    otherNames.append(name)
                    methods.append(Method(known: RouteMethod.none, other: Int32(otherNames.count - 1), route: Int32(entry.route)))
                }
            }
            nodes.append(compiled)
        }
    }

    @usableFromInline
    enum Outcome {
        case route(Int, headFallback: Bool)
        case pathOnly(allowed: [String])
        case notFound
    }

    /// Finds the route for a method (a `RouteMethod` index, or `RouteMethod.none` with the
    /// name in `other`) and a path; on a route, `slots` holds its parameters' byte ranges.
    @usableFromInline
    func find(known: UInt8, other: String?, path: UnsafeRawBufferPointer, slots: inout ParameterSlots) -> Outcome {
        // A path is `/` followed by segments; anything else (empty, `*`) matches no route.
        guard let base = path.baseAddress, path.count > 0, base.load(as: UInt8.self) == UInt8(ascii: "/") else {
            return .notFound
        }
        return nodes.withUnsafeBufferPointer { nodes in
            children.withUnsafeBufferPointer { children in
                labels.withUnsafeBytes { labels in
                    methods.withUnsafeBufferPointer { methods in
                  otherNames.withUnsafeBufferPointer { otherNames in
                        var matcher = Matcher(
                            nodes: nodes, children: children, labels: labels.baseAddress!, methods: methods,
                            otherNames: otherNames, path: base, count: path.count, known: known, other: other
                        )
                        let route = matcher.visit(0, 1, 0)
                        if route >= 0 {
                            slots = matcher.slots
                            return .route(Int(route), headFallback: matcher.headFallback)
                        }
                        guard matcher.pathMatched else { return .notFound }
                        var others: [String] = []
                        if matcher.sawOthers {
                            // Slow path, only for a 405/OPTIONS on a path with other-method routes:
                            // walk every matching node again, gathering their other methods.
                            var collector = Matcher(
                                nodes: nodes, children: children, labels: labels.baseAddress!, methods: methods,
                                otherNames: otherNames, path: base, count: path.count, known: RouteMethod.none, other: nil
                            )
                            collector.collecting = true
                            _ = collector.visit(0, 1, 0)
                            others = collector.collected
                        }
                        return .pathOnly(allowed: RouteMethod.allowed(mask: matcher.mask, others: others))
                  }
                    }
                }
            }
        }
    }
}

/// One search of a ``RouteTree``. Every index it follows comes from the compiled arrays
/// (node, child and method indices are in range by construction); every path byte it reads
/// is below `count`.
private struct Matcher {
    let nodes: UnsafeBufferPointer<RouteTree.Node>
    let children: UnsafeBufferPointer<RouteTree.Child>
    let labels: UnsafeRawPointer
    let methods: UnsafeBufferPointer<RouteTree.Method>
    let otherNames: UnsafeBufferPointer<String>
    let path: UnsafeRawPointer
    let count: Int
    let known: UInt8
    let other: String?

    var slots = ParameterSlots()
    var headFallback = false
    /// Some node at the end of the path has routes (for 405 rather than 404).
    var pathMatched = false
    /// Methods of the nodes at the end of the path that did not have the method.
    var mask: UInt16 = 0
    var sawOthers = false
    var collecting = false
    var collected: [String] = []

    init(
        nodes: UnsafeBufferPointer<RouteTree.Node>, children: UnsafeBufferPointer<RouteTree.Child>, labels: UnsafeRawPointer,
        methods: UnsafeBufferPointer<RouteTree.Method>, otherNames: UnsafeBufferPointer<String>, path: UnsafeRawPointer, count: Int, known: UInt8, other: String?
    ) {
        self.nodes = nodes
        self.children = children
        self.labels = labels
        self.methods = methods
        self.otherNames = otherNames
        self.path = path
        self.count = count
        self.known = known
        self.other = other
    }

    /// Matches the segment starting at `start` (just after a `/`, `start <= count`) and the
    /// rest of the path below node `n`; `depth` parameters are set so far. Returns the route
    /// index, or -1.
    mutating func visit(_ n: Int, _ start: Int, _ depth: Int) -> Int32 {
        // The segment is path[start..<end]: up to the next raw `/` or the end.
        var end = start
        var percent = false
        // Eight bytes at a time (end + 8 <= count: the load stays in the path). The lowest
        // bit of a `byteMask` is exact, so the first `/` and whether a `%` precedes it are too.
        var found = false
        while end &+ 8 <= count {
            let word = path.loadUnaligned(fromByteOffset: end, as: UInt64.self)
            let slash = byteMask(word, 0x2F)
            let pct = byteMask(word, 0x25)
            if slash != 0 {
                if pct != 0, pct.trailingZeroBitCount < slash.trailingZeroBitCount { percent = true }
                end &+= slash.trailingZeroBitCount >> 3
                found = true
                break
            }
            if pct != 0 { percent = true }
            end &+= 8
        }
        if !found {
            while end < count {
                let b = path.load(fromByteOffset: end, as: UInt8.self)
                if b == UInt8(ascii: "/") { break }
                if b == UInt8(ascii: "%") { percent = true }
                end &+= 1
            }
        }
        let isLast = end == count
        let length = end &- start
        // n is a node index of the compiled tree: in range.
        let node = (nodes.baseAddress! + n).pointee

        // Static children: at most one label equals the segment.
        if node.childCount > 0, let c = staticChild(node, start, end, length, percent) {
            let route = isLast ? terminal(c) : visit(c, end &+ 1, depth)
            if route >= 0 { return route }
        }
        // The parameter child: a parameter is never empty.
        if node.parameter >= 0, length > 0 {
            slots.set(depth, start..<end)
            let p = Int(node.parameter)
            let route = isLast ? terminal(p) : visit(p, end &+ 1, depth &+ 1)
            if route >= 0 { return route }
        }
        // The catch-all child takes the rest, `/`s included.
        if node.catchAll >= 0 {
            slots.set(depth, start..<count)
            let route = terminal(Int(node.catchAll))
            if route >= 0 { return route }
        }
        return -1
    }

    @inline(__always)
    private func staticChild(_ node: RouteTree.Node, _ start: Int, _ end: Int, _ length: Int, _ percent: Bool) -> Int? {
        var i = Int(node.childStart)
        let last = i &+ Int(node.childCount)
        if percent {
            while i < last {
                let child = children[i]
                if PathDecoding.decodedEquals(path, start, end, labels + Int(child.labelStart), Int(child.labelCount)) {
                    return Int(child.node)
                }
                i &+= 1
            }
            return nil
        }
        if length == 0 {
            while i < last {
                if children[i].labelCount == 0 { return Int(children[i].node) }
                i &+= 1
            }
            return nil
        }
        // start < end <= count: the first and last bytes are in the path.
        let key = RouteTree.key(path + start, length)
        if last &- i > 8 {
            // A wide node (more than 8 siblings; fewer are scanned one by one): the first sibling whose key is not below the segment's, by
            // bisection over the sorted keys; siblings sharing the key follow it.
            var high = last
            while i < high {
                let middle = i &+ (high &- i) >> 1
                if children[middle].key < key { i = middle &+ 1 } else { high = middle }
            }
        }
        while i < last {
            let child = children[i]
            if child.key == key, Int(child.labelCount) == length,
                bytesEqual(path + start, labels + Int(child.labelStart), length)
            {
                return Int(child.node)
            }
            // Sorted: past the key, no later sibling can match.
            if child.key > key { return nil }
            i &+= 1
        }
        return nil
    }

    /// The route of node `n` for the method, or -1 (noting the node's methods for `Allow`).
    private mutating func terminal(_ n: Int) -> Int32 {
        let node = nodes[n]
        guard node.methodCount > 0 else { return -1 }
        pathMatched = true
        var i = Int(node.methodStart)
        let last = i &+ Int(node.methodCount)
        if collecting {
            while i < last {
                if methods[i].known == RouteMethod.none { collected.append(otherNames[Int(methods[i].other)]) }
                i &+= 1
            }
            return -1
        }
        var getRoute: Int32 = -1
        while i < last {
            let method = methods[i]
            if method.known == known {
                if known != RouteMethod.none || (other != nil && otherNames[Int(method.other)] == other!) {
                    return method.route
                }
            } else if method.known == RouteMethod.get {
                getRoute = method.route
            }
            i &+= 1
        }
        if known == RouteMethod.head, getRoute >= 0 {
            headFallback = true
            return getRoute
        }
        mask |= node.knownMask
        sawOthers = sawOthers || node.hasOthers
        return -1
    }
}

/// High bits set for bytes of `word` equal to `byte` (the classic "has zero byte" test on
/// `word ^ byte…`, little-endian): non-zero when one is there, and its lowest set bit marks
/// the first (bits above it may be false positives from the borrow).
@inline(__always)
private func byteMask(_ word: UInt64, _ byte: UInt8) -> UInt64 {
    let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
    return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
}

/// Whether `count` bytes at `a` and `b` are equal: eight at a time, then one at a time.
@inline(__always)
private func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    var i = 0
    while i &+ 8 <= count {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i &+= 8
    }
    while i < count {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i &+= 1
    }
    return true
}
