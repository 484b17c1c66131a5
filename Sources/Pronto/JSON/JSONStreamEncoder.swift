import NIOCore

/// The `Encoder` behind ``JSONBufferEncoder``: it writes each value into ``buffer`` the
/// moment Codable hands it over, so nothing is built in between (no tree, no dictionary).
///
/// Codable never says when a container is finished, so the encoder keeps a stack of the
/// open containers (``frames``) and closes them itself: when the value that opened them
/// returns from `encode(to:)`, or when an outer container is written to again (the usual
/// shape of hand-written `encode(to:)` methods with nested containers).
///
/// One instance is reused by a thread (``JSONEncoderCache``): its stacks keep their
/// capacity, so an encode allocates nothing but the box Codable puts around each keyed
/// container. Not thread-safe: one encode at a time, on one thread.
///
/// Anything a stream cannot express (writing again into a container after it was closed,
/// a second single value, an error swallowed by a user's `encode(to:)`) marks the
/// encoding ``poisoned``; ``JSONBufferEncoder`` then throws the partial output away and
/// falls back to Foundation's `JSONEncoder` for that value, so the result stays right.
final class _JSONStreamEncoder: Encoder {
    /// An open container, or a slot handed out by `superEncoder()`.
    struct Frame {
        enum Kind: UInt8 {
            case object
            case array
            /// The value position of a `superEncoder()`: no bracket of its own; `count`
            /// is 1 once a value (or a container) fills it.
            case superSlot
        }

        var id: UInt32
        var kind: Kind
        /// Whether opening it pushed a key on ``keys`` (popped when it closes).
        var pushedKey: Bool
        /// Elements written so far (a comma goes before every one but the first).
        var count: Int
    }

    // Confined to one thread during one encode; the runtime's dynamic exclusivity checks
    // on these class properties would cost a few ns per value written.
    @exclusivity(unchecked) var buffer: ByteBuffer
    /// The output window into `buffer`'s writable bytes; see JSONOutput.swift.
    @exclusivity(unchecked) var start: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) var cursor: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) var limit: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) var frames: [Frame] = []
    /// The coding path: a key per level entered (a value's key, an array index, the key
    /// of a nested container or super encoder).
    @exclusivity(unchecked) var keys: [_JSONPathKey] = []
    @exclusivity(unchecked) var nextID: UInt32 = 0

    /// The value position being filled: the `frames.count` when it was entered,
    /// whether something was written into it, and its identity (for single-value
    /// containers that outlive it).
    @exclusivity(unchecked) var slotDepth = 0
    @exclusivity(unchecked) var slotFilled = false
    @exclusivity(unchecked) var slotID: UInt32 = 0

    /// Set when the stream can no longer be trusted; see the type's documentation.
    @exclusivity(unchecked) var poisoned = false
    /// Set while an encode runs, so a re-entrant encode (an `encode(to:)` that encodes
    /// JSON itself) takes a fresh instance instead of this one.
    @exclusivity(unchecked) var inUse = false

    init() {
        buffer = ByteBuffer()
        // A placeholder window of no bytes until an encode acquires the real one.
        start = UnsafeMutablePointer(bitPattern: 0x10)!
        cursor = start
        limit = start
        frames.reserveCapacity(16)
        keys.reserveCapacity(16)
    }

    // MARK: Encoder

    var codingPath: [any CodingKey] { keys.map(\.codingKey) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let (index, id) = openAtSlot(.object)
        return KeyedEncodingContainer(_JSONKeyedContainer<Key>(encoder: self, index: index, id: id))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let (index, id) = openAtSlot(.array)
        return _JSONUnkeyedContainer(encoder: self, index: index, id: id)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        _JSONSingleValueContainer(encoder: self, index: -1, id: slotID)
    }

    // MARK: Entry point

    /// Encodes one top-level value at the end of `output`. On a thrown error `output` is
    /// left as it was.
    func encode<T: Encodable>(_ value: T, into output: inout ByteBuffer) throws {
        let startIndex = output.writerIndex
        swap(&buffer, &output)
        inUse = true
        acquireOutput(minimum: 256)
        defer {
            commitOutput()
            limit = cursor  // nothing may be written until the next acquire
            swap(&buffer, &output)
            frames.removeAll(keepingCapacity: true)
            keys.removeAll(keepingCapacity: true)
            inUse = false
        }
        slotDepth = 0
        slotFilled = false
        slotID = 0
        nextID = 0
        poisoned = false
        do {
            try encodeValue(value, key: nil, topLevel: true)
        } catch let error as _JSONStreamUnsupported {
            _ = error
            poisoned = true
        } catch {
            commitOutput()
            buffer.moveWriterIndex(to: startIndex)
            cursor = start
            throw error
        }
        if poisoned {
            // The stream could not express what this value's `encode(to:)` did: let
            // Foundation build it, then copy its bytes (rare; see the type's comment).
            commitOutput()
            buffer.moveWriterIndex(to: startIndex)
            frames.removeAll(keepingCapacity: true)
            keys.removeAll(keepingCapacity: true)
            try _JSONFoundationFallback.encode(value, into: &buffer)
            acquireOutput(minimum: 0)
        }
    }

    // MARK: Values

    /// Encodes `value` in the current position (after its key or comma). Scalars and
    /// Foundation's special types are written directly; anything else runs its
    /// `encode(to:)` against this encoder in a fresh slot.
    @inline(__always)
    func encodeValue<T: Encodable>(
        _ value: T, key: @autoclosure () -> _JSONPathKey?, topLevel: Bool = false
    ) throws {
        if try writeScalar(value, key: key()) { return }
        try encodeComposite(value, key: key(), topLevel: topLevel)
    }

    func encodeComposite<T: Encodable>(_ value: T, key: _JSONPathKey?, topLevel: Bool) throws {
        let savedDepth = slotDepth
        let savedFilled = slotFilled
        let savedID = slotID
        let depth = frames.count
        slotDepth = depth
        slotFilled = false
        nextID &+= 1
        slotID = nextID
        let pushed = key != nil
        if let key { keys.append(key) }
        do {
            try value.encode(to: self)
        } catch {
            poisoned = true
            throw error
        }
        if frames.count > depth {
            closeFrames(to: depth)
        } else if frames.count < depth {
            // Something closed frames that were not its own: a container of an outer
            // level written to from inside this value's `encode(to:)`.
            poisoned = true
            throw _JSONStreamUnsupported()
        } else if !slotFilled {
            if topLevel {
                poisoned = true
                throw EncodingError.invalidValue(
                    value,
                    EncodingError.Context(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values.")
                )
            }
            // Foundation writes an empty object for a nested value that encoded nothing.
            writeStatic("{}")
        }
        if pushed { keys.removeLast() }
        slotDepth = savedDepth
        slotFilled = savedFilled
        slotID = savedID
    }

    /// Writes `value` directly when it is a scalar or one of Foundation's special types;
    /// returns false for anything else. Metatype comparisons are pointer compares, so
    /// this costs a few ns even for the composite values that fall through.
    @inline(__always)
    func writeScalar<T: Encodable>(_ value: T, key: @autoclosure () -> _JSONPathKey?) throws -> Bool {
        if T.self == String.self {
            writeString(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            writeInteger(unsafeBitCast(value, to: Int.self))
        } else if T.self == Double.self {
            try writeDouble(unsafeBitCast(value, to: Double.self), key: key())
        } else if T.self == Bool.self {
            writeBool(unsafeBitCast(value, to: Bool.self))
        } else if T.self == Int64.self {
            writeInteger(unsafeBitCast(value, to: Int64.self))
        } else if T.self == UInt64.self {
            writeInteger(unsafeBitCast(value, to: UInt64.self))
        } else if T.self == Int32.self {
            writeInteger(unsafeBitCast(value, to: Int32.self))
        } else if T.self == UInt32.self {
            writeInteger(unsafeBitCast(value, to: UInt32.self))
        } else if T.self == UInt.self {
            writeInteger(unsafeBitCast(value, to: UInt.self))
        } else if T.self == Float.self {
            try writeFloat(unsafeBitCast(value, to: Float.self), key: key())
        } else if T.self == Int16.self {
            writeInteger(unsafeBitCast(value, to: Int16.self))
        } else if T.self == UInt16.self {
            writeInteger(unsafeBitCast(value, to: UInt16.self))
        } else if T.self == Int8.self {
            writeInteger(unsafeBitCast(value, to: Int8.self))
        } else if T.self == UInt8.self {
            writeInteger(unsafeBitCast(value, to: UInt8.self))
        } else if T.self == Int128.self {
            writeInt128(unsafeBitCast(value, to: Int128.self))
        } else if T.self == UInt128.self {
            writeUInt128(unsafeBitCast(value, to: UInt128.self))
        } else {
            return writeFoundationValue(value)
        }
        return true
    }

    @inline(__always)
    func writeBool(_ value: Bool) {
        if value { writeStatic("true") } else { writeStatic("false") }
    }

    @inline(__always)
    func writeNull() {
        writeStatic("null")
    }

    @inline(__always)
    func writeDouble(_ value: Double, key: @autoclosure () -> _JSONPathKey?) throws {
        guard value.isFinite else { throw nonFinite(value, key: key()) }
        writeFiniteDouble(value)
    }

    @inline(__always)
    func writeFloat(_ value: Float, key: @autoclosure () -> _JSONPathKey?) throws {
        guard value.isFinite else { throw nonFinite(value, key: key()) }
        writeFiniteFloat(value)
    }

    /// Foundation's error for NaN and infinities under its default
    /// `nonConformingFloatEncodingStrategy` (`.throw`), message included.
    func nonFinite<F: BinaryFloatingPoint>(_ value: F, key: _JSONPathKey?) -> EncodingError {
        poisoned = true
        var path = codingPath
        if let key { path.append(key.codingKey) }
        return EncodingError.invalidValue(
            value,
            EncodingError.Context(codingPath: path, debugDescription: "Unable to encode \(F.self).\(value) directly in JSON.")
        )
    }

    // MARK: Frames

    /// Opens a container in the current slot, or returns the one already open there
    /// (Foundation lets an `encode(to:)` ask for its container twice, as a subclass and
    /// its superclass do with one encoder).
    func openAtSlot(_ kind: Frame.Kind) -> (index: Int, id: UInt32) {
        if !slotFilled {
            guard frames.count == slotDepth else { return invalid() }
            slotFilled = true
            return push(kind, key: nil)
        }
        guard frames.count > slotDepth, frames[slotDepth].kind == kind else { return invalid() }
        closeFrames(to: slotDepth &+ 1)
        return (slotDepth, frames[slotDepth].id)
    }

    /// Writes the opening bracket and pushes a frame (with `key` on the coding path).
    @inline(__always)
    func push(_ kind: Frame.Kind, key: _JSONPathKey?) -> (index: Int, id: UInt32) {
        switch kind {
        case .object: writeByte(UInt8(ascii: "{"))
        case .array: writeByte(UInt8(ascii: "["))
        case .superSlot: break
        }
        nextID &+= 1
        let index = frames.count
        frames.append(Frame(id: nextID, kind: kind, pushedKey: key != nil, count: 0))
        if let key { keys.append(key) }
        return (index, nextID)
    }

    /// A container that may not be written to: every write throws
    /// ``_JSONStreamUnsupported``.
    func invalid() -> (index: Int, id: UInt32) {
        poisoned = true
        return (-1, 0)
    }

    /// Closes every frame above `depth`, innermost first.
    func closeFrames(to depth: Int) {
        while frames.count > depth {
            let frame = frames.removeLast()
            switch frame.kind {
            case .object: writeByte(UInt8(ascii: "}"))
            case .array: writeByte(UInt8(ascii: "]"))
            case .superSlot:
                // A super encoder nobody encoded into: Foundation writes `{}`.
                if frame.count == 0 { writeStatic("{}") }
            }
            if frame.pushedKey { keys.removeLast() }
        }
    }

    /// Makes the container at `index` the innermost open one (closing any nested
    /// container it opened), or throws if it was closed already.
    @inline(__always)
    func activate(_ index: Int, _ id: UInt32) throws {
        // `index >= slotDepth`: the container belongs to the value being encoded, not
        // to an outer one.
        guard index >= slotDepth, index < frames.count, frames[index].id == id else {
            poisoned = true
            throw _JSONStreamUnsupported()
        }
        if frames.count > index &+ 1 { closeFrames(to: index &+ 1) }
    }

    /// Starts the next element of the object at `index`: comma, key, colon.
    @inline(__always)
    func beginKey(_ index: Int, _ id: UInt32, _ key: String) throws {
        try activate(index, id)
        writeKey(key, first: frames[index].count == 0)
        frames[index].count &+= 1
    }

    /// Starts the next element of the array at `index`: a comma unless it is the first.
    @inline(__always)
    func beginElement(_ index: Int, _ id: UInt32) throws {
        try activate(index, id)
        if frames[index].count > 0 { writeByte(UInt8(ascii: ",")) }
        frames[index].count &+= 1
    }
}

/// Thrown inside an encode when the stream cannot express what an `encode(to:)` did;
/// ``_JSONStreamEncoder/encode(_:into:)`` catches it and falls back to Foundation.
struct _JSONStreamUnsupported: Error {}

/// One level of the coding path, kept as plain data (a `[any CodingKey]` would box
/// every key larger than three words, such as a dictionary's); turned into `CodingKey`s
/// only when someone asks for ``_JSONStreamEncoder/codingPath``.
enum _JSONPathKey {
    case named(String, Int?)
    case index(Int)

    var codingKey: any CodingKey {
        switch self {
        case .named(let string, let int): _JSONKey(stringValue: string, intValue: int)
        case .index(let index): _JSONKey(stringValue: "Index \(index)", intValue: index)
        }
    }

    /// The path key of a container's key.
    @inline(__always)
    init<Key: CodingKey>(_ key: Key) {
        self = .named(key.stringValue, key.intValue)
    }
}

/// A coding key made of its two values, as Foundation's own `_CodingKey`.
struct _JSONKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String, intValue: Int?) {
        self.stringValue = stringValue
        self.intValue = intValue
    }
    init?(stringValue: String) { self.init(stringValue: stringValue, intValue: nil) }
    init?(intValue: Int) { self.init(stringValue: "\(intValue)", intValue: intValue) }

    static let `super` = _JSONKey(stringValue: "super", intValue: nil)
}
