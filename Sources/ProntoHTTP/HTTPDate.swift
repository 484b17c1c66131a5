#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `Date` header line, formatted at most once per second.
///
/// One cache belongs to one event loop (one thread); the engine refreshes it once per
/// read batch, which costs a `time()` call (vDSO, no system call) and, once a second,
/// a 29-byte format. Not thread-safe by design.
public final class DateCache {
    // Used by one thread only (see above), so neither locks nor the runtime's dynamic
    // exclusivity checks. The line lives in memory allocated once: the encoder reads it
    // on every response without retaining an array.
    private let storage: UnsafeMutableRawBufferPointer
    /// The epoch second the line shows.
    @exclusivity(unchecked) public private(set) var second: Int
    /// How many times the line was formatted (once per new second; for tests and metrics).
    @exclusivity(unchecked) public private(set) var formatCount = 0

    /// A cache holding the `Date` value of second `now` (seconds since 1970).
    public init(now: Int = DateCache.currentSecond()) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 37, alignment: 1)
        storage.copyBytes(from: "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n".utf8)
        second = Int.min
        refresh(now: now)
    }

    deinit {
        storage.deallocate()
    }

    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n`
    public var line: [UInt8] { Array(storage) }

    /// The line's bytes, valid until the next ``refresh(now:)``.
    @inlinable
    public var lineBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(storageForInlining) }

    @usableFromInline
    var storageForInlining: UnsafeMutableRawBufferPointer { storage }

    /// The current time in whole seconds since 1970.
    public static func currentSecond() -> Int { Int(time(nil)) }

    /// Reformats when `now` is a new second; otherwise does nothing.
    @inline(__always)
    public func refresh(now: Int = DateCache.currentSecond()) {
        if now != second { reformat(now) }
    }

    private func reformat(_ now: Int) {
        second = now
        formatCount += 1
        HTTPDate.format(now, into: UnsafeMutableRawBufferPointer(rebasing: storage[6..<35]))
    }
}

/// IMF-fixdate (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`, without Foundation.
public enum HTTPDate {
    /// Formats `epochSeconds` into exactly 29 bytes.
    public static func format(_ epochSeconds: Int, into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count == 29, "HTTPDate.format needs exactly 29 bytes")
        let days = epochSeconds >= 0 ? epochSeconds / 86400 : (epochSeconds - 86399) / 86400
        let secondsOfDay = epochSeconds - days * 86400
        let (year, month, day) = civil(fromDays: days)
        let weekday = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday (index 4)

        let weekdays: StaticString = "SunMonTueWedThuFriSat"
        let months: StaticString = "JanFebMarAprMayJunJulAugSepOctNovDec"
        var i = 0
        func put(_ b: UInt8) { out[i] = b; i += 1 }
        func two(_ v: Int) { put(UInt8(48 + v / 10)); put(UInt8(48 + v % 10)) }
        weekdays.withUTF8Buffer { w in for k in 0..<3 { put(w[weekday * 3 + k]) } }
        put(UInt8(ascii: ","))
        put(UInt8(ascii: " "))
        two(day)
        put(UInt8(ascii: " "))
        months.withUTF8Buffer { m in for k in 0..<3 { put(m[(month - 1) * 3 + k]) } }
        put(UInt8(ascii: " "))
        let y = max(0, min(9999, year))
        two(y / 100)
        two(y % 100)
        put(UInt8(ascii: " "))
        two(secondsOfDay / 3600)
        put(UInt8(ascii: ":"))
        two(secondsOfDay / 60 % 60)
        put(UInt8(ascii: ":"))
        two(secondsOfDay % 60)
        for b in " GMT".utf8 { put(b) }
    }

    /// `epochSeconds` as an IMF-fixdate string.
    /// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
    /// civil-from-days).
    package static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The IMF-fixdate of `epochSeconds` (`Sun, 06 Nov 1994 08:49:37 GMT`).
    public static func string(_ epochSeconds: Int) -> String {
        var bytes = [UInt8](repeating: 0, count: 29)
        bytes.withUnsafeMutableBytes { format(epochSeconds, into: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
