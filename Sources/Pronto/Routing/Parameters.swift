/// The path parameters of a matched route: each `{name}` of its pattern (and `*` for the
/// catch-all) with the part of the path it matched.
///
/// A match from bytes (``Router/match(_:path:)``) allocates nothing for its parameters:
/// they are byte offsets into the path, kept inline for up to eight parameters, and the
/// names are the route's own array. A value becomes a `String` (percent-decoded, see
/// `PathDecoding`) when it is asked for with the path's bytes:
/// ``value(_:in:)``, ``get(_:as:in:)``, or all at once with ``materialize(in:)``. After
/// ``materialize(in:)`` (done for you by the `String` forms of `match`) the accessors
/// without bytes work: ``subscript(_:)``, ``get(_:as:)``, ``catchAll``.
public struct Parameters: Sendable {
    /// The parameter names in pattern order (`*` for the catch-all).
    public let names: [String]
    var slots: ParameterSlots
    /// The decoded values once materialised, in the order of ``names``; empty before.
    private var values: [String]

    /// No parameters.
    public init() {
        self.names = []
        self.slots = ParameterSlots()
        self.values = []
    }

    /// Materialised parameters with these values (for tests and hand-made requests).
    public init(_ pairs: KeyValuePairs<String, String>) {
        self.names = pairs.map(\.key)
        self.slots = ParameterSlots()
        self.values = pairs.map(\.value)
    }

    @usableFromInline
    init(names: [String], slots: ParameterSlots) {
        self.names = names
        self.slots = slots
        self.values = []
    }

    /// How many parameters the route has.
    public var count: Int { names.count }
    /// True when the route has no parameters.
    public var isEmpty: Bool { names.isEmpty }
    /// True when every value is a `String` already, so the accessors without bytes work.
    public var isMaterialized: Bool { values.count == names.count }

    @inline(__always)
    func index(of name: String) -> Int? { Self.index(of: name, in: names) }

    /// The position of `name` in a route's parameter `names` (``ParameterLayout`` asks too).
    @inline(__always)
    static func index(of name: String, in names: [String]) -> Int? {
        var i = 0
        while i < names.count {
            if names[i] == name { return i }
            i &+= 1
        }
        return nil
    }

    // MARK: Lazy access, with the path's bytes

    /// The byte offsets in the matched path of the value of `name`, as received (not decoded).
    public func range(_ name: String) -> Range<Int>? {
        index(of: name).map { slots[$0] }
    }

    /// The value of `name` percent-decoded from `path`, which must be the bytes the match was
    /// made on (offsets are relative to its start).
    public func value(_ name: String, in path: UnsafeRawBufferPointer) -> String? {
        guard let i = index(of: name) else { return nil }
        return value(at: i, in: path)
    }

    /// The value of `name` as received, not decoded.
    public func rawValue(_ name: String, in path: UnsafeRawBufferPointer) -> String? {
        guard let i = index(of: name) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: path[slots[i]]), as: UTF8.self)
    }

    /// The value of `name` converted to `T`; a value that does not convert throws a
    /// ``ParameterError`` (status 400) naming the parameter and the value.
    public func get<T: LosslessStringConvertible>(_ name: String, as type: T.Type = T.self, in path: UnsafeRawBufferPointer) throws(ParameterError) -> T {
        try Self.converted(name, index(of: name).map { value(at: $0, in: path) })
    }

    /// The value of the catch-all `*`, decoded.
    public func catchAll(in path: UnsafeRawBufferPointer) -> String? { value("*", in: path) }

    /// Makes every value a `String` (each decoded once), so the accessors without bytes work.
    public mutating func materialize(in path: UnsafeRawBufferPointer) {
        guard !isMaterialized else { return }
        var values: [String] = []
        values.reserveCapacity(names.count)
        for i in 0..<names.count { values.append(value(at: i, in: path)) }
        self.values = values
    }

    /// A copy with every value a `String`.
    public func materialized(in path: UnsafeRawBufferPointer) -> Parameters {
        var copy = self
        copy.materialize(in: path)
        return copy
    }

    private func value(at i: Int, in path: UnsafeRawBufferPointer) -> String {
        if isMaterialized { return values[i] }
        let range = slots[i]
        precondition(range.upperBound <= path.count, "Parameters: the path given is not the one matched")
        return PathDecoding.string(UnsafeRawBufferPointer(rebasing: path[range]))
    }

    // MARK: Materialised access

    /// The decoded value of `name`, or `nil` when the route has no such parameter.
    /// Requires ``isMaterialized`` (a lazy match answers through ``value(_:in:)``).
    public subscript(_ name: String) -> String? {
        guard let i = index(of: name) else { return nil }
        return materializedValue(i)
    }

    /// The value of `name` converted to `T`; a value that does not convert throws a
    /// ``ParameterError`` (status 400) naming the parameter and the value.
    /// Requires ``isMaterialized``.
    public func get<T: LosslessStringConvertible>(_ name: String, as type: T.Type = T.self) throws(ParameterError) -> T {
        try Self.converted(name, index(of: name).map(materializedValue))
    }

    /// The decoded value of the catch-all `*`. Requires ``isMaterialized``.
    public var catchAll: String? { self["*"] }

    /// Every name with its decoded value, in pattern order. Requires ``isMaterialized``.
    public var pairs: [(name: String, value: String)] {
        (0..<names.count).map { (names[$0], materializedValue($0)) }
    }

    private func materializedValue(_ i: Int) -> String {
        precondition(isMaterialized, "Parameters: values are byte ranges of the path; use value(_:in:) or materialize(in:) first")
        return values[i]
    }

    /// `value`, the value of parameter `name` (nil when the route has none), converted to `T`;
    /// the errors of ``get(_:as:in:)`` (and of `Request/parameter(_:as:)`) otherwise.
    static func converted<T: LosslessStringConvertible>(_ name: String, _ value: String?) throws(ParameterError) -> T {
        guard let value else {
            throw ParameterError(kind: .missing, name: name, value: nil, expectedType: "\(T.self)")
        }
        guard let converted = T(value) else {
            throw ParameterError(kind: .invalidValue, name: name, value: value, expectedType: "\(T.self)")
        }
        return converted
    }
}

/// Byte ranges of parameter values: eight inline, more in `overflow`. Plain values only,
/// so the matcher copies and overwrites it without reference counting.
@usableFromInline
struct ParameterSlots: Sendable {
    static let inlineCapacity = 8
    /// Each slot packs `start << 32 | end`; paths are far below 4 GiB (``HTTPLimits``).
    @usableFromInline var inline: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    /// Slots beyond the eighth (rare: an array, so an allocation).
    @usableFromInline var overflow: [UInt64] = []

    @inlinable init() {}

    @inline(__always)
    static func pack(_ range: Range<Int>) -> UInt64 {
        UInt64(truncatingIfNeeded: range.lowerBound) << 32 | UInt64(truncatingIfNeeded: range.upperBound)
    }

    subscript(i: Int) -> Range<Int> {
        @inline(__always) get {
            let packed: UInt64
            if i < ParameterSlots.inlineCapacity {
                // i in 0..<8: inside the 64-byte tuple.
                packed = withUnsafeBytes(of: inline) { $0.load(fromByteOffset: i &* 8, as: UInt64.self) }
            } else {
                packed = overflow[i &- ParameterSlots.inlineCapacity]
            }
            return Int(packed >> 32)..<Int(packed & 0xFFFF_FFFF)
        }
    }

    /// Sets slot `i` and forgets any after it, so slots are set in order (the matcher sets
    /// slot `depth` when it enters a parameter and overwrites it when it backtracks).
    @inline(__always)
    mutating func set(_ i: Int, _ range: Range<Int>) {
        let packed = ParameterSlots.pack(range)
        if i < ParameterSlots.inlineCapacity {
            // i in 0..<8: inside the 64-byte tuple.
            withUnsafeMutableBytes(of: &inline) { $0.storeBytes(of: packed, toByteOffset: i &* 8, as: UInt64.self) }
        } else {
            setOverflow(i &- ParameterSlots.inlineCapacity, packed)
        }
    }

    @inline(never)
    private mutating func setOverflow(_ o: Int, _ packed: UInt64) {
        if overflow.count > o { overflow.removeSubrange(o...) }
        overflow.append(packed)
    }
}
