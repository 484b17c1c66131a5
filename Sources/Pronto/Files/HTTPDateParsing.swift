#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension HTTPDate {
    /// The epoch second of an HTTP-date (RFC 9110 §5.6.7), or nil when `text` is not one.
    ///
    /// Accepts the three forms a recipient must: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37
    /// GMT`), the obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) and C's asctime
    /// (`Sun Nov  6 08:49:37 1994`). The weekday is checked for shape, not for agreement
    /// with the date (the RFC does not ask for it, and a wrong one is harmless). A two-digit
    /// year more than 50 years in the future is taken from the previous century, as the
    /// RFC says; `currentYear` is there for tests.
    public static func parse(_ text: some StringProtocol, currentYear: Int? = nil) -> Int? {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { bytes.removeLast() }
        var start = 0
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        var scanner = DateScanner(bytes: bytes, index: start)
        // The weekday: three letters then ", " (IMF), a full name then ", " (RFC 850), or
        // three letters then " " (asctime).
        let weekdayLength = scanner.skipLetters()
        guard weekdayLength >= 3 else { return nil }
        if scanner.take(UInt8(ascii: ",")) {
            guard scanner.take(UInt8(ascii: " ")) else { return nil }
            if weekdayLength == 3 { return scanner.imfFixdate() }
            return scanner.rfc850(currentYear: currentYear ?? Self.currentYear())
        }
        guard weekdayLength == 3, scanner.take(UInt8(ascii: " ")) else { return nil }
        return scanner.asctime()
    }

    static func currentYear() -> Int {
        let days = Int(time(nil)) / 86400
        return HTTPDate.civil(fromDays: days).year
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days-from-civil).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// A cursor over the bytes of a date, with the three layouts as methods.
private struct DateScanner {
    let bytes: [UInt8]
    var index: Int

    /// `06 Nov 1994 08:49:37 GMT`
    mutating func imfFixdate() -> Int? {
        guard let day = digits(2), take(UInt8(ascii: " ")), let month = month(), take(UInt8(ascii: " ")),
            let year = digits(4), take(UInt8(ascii: " ")), let time = time(), takeGMT(), atEnd
        else { return nil }
        return epoch(year, month, day, time)
    }

    /// `06-Nov-94 08:49:37 GMT`
    mutating func rfc850(currentYear: Int) -> Int? {
        guard let day = digits(2), take(UInt8(ascii: "-")), let month = month(), take(UInt8(ascii: "-")),
            let twoDigits = digits(2), take(UInt8(ascii: " ")), let time = time(), takeGMT(), atEnd
        else { return nil }
        var year = currentYear - currentYear % 100 + twoDigits
        if year > currentYear + 50 { year -= 100 }
        return epoch(year, month, day, time)
    }

    /// `Nov  6 08:49:37 1994` (the day is padded with a space to two characters)
    mutating func asctime() -> Int? {
        guard let month = month(), take(UInt8(ascii: " ")) else { return nil }
        let day: Int
        if take(UInt8(ascii: " ")) {
            guard let d = digits(1) else { return nil }
            day = d
        } else {
            guard let d = digits(2) else { return nil }
            day = d
        }
        guard take(UInt8(ascii: " ")), let time = time(), take(UInt8(ascii: " ")), let year = digits(4), atEnd else { return nil }
        return epoch(year, month, day, time)
    }

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func skipLetters() -> Int {
        let start = index
        while index < bytes.count, (bytes[index] | 0x20) >= UInt8(ascii: "a"), (bytes[index] | 0x20) <= UInt8(ascii: "z") {
            index += 1
        }
        return index - start
    }

    mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + count] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += count
        return value
    }

    /// A month's three-letter name, case-sensitive as the grammar says; 1...12.
    mutating func month() -> Int? {
        guard index + 3 <= bytes.count else { return nil }
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let candidate = bytes[index..<index + 3]
        guard let month = names.firstIndex(where: { $0.utf8.elementsEqual(candidate) }) else { return nil }
        index += 3
        return month + 1
    }

    /// `08:49:37` as seconds of the day.
    mutating func time() -> Int? {
        guard let h = digits(2), take(UInt8(ascii: ":")), let m = digits(2), take(UInt8(ascii: ":")), let s = digits(2),
            h < 24, m < 60, s <= 60  // 60: a leap second
        else { return nil }
        return h * 3600 + m * 60 + s
    }

    mutating func takeGMT() -> Bool {
        take(UInt8(ascii: " ")) && take(UInt8(ascii: "G")) && take(UInt8(ascii: "M")) && take(UInt8(ascii: "T"))
    }

    /// The epoch second, or nil for a day the month does not have.
    func epoch(_ year: Int, _ month: Int, _ day: Int, _ seconds: Int) -> Int? {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day >= 1, day <= lengths[month - 1] else { return nil }
        return HTTPDate.days(year: year, month: month, day: day) * 86400 + seconds
    }
}
