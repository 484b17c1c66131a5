import Pronto

/// The `queries` parameter of `/queries` and `/updates`, by TechEmpower's rules: a whole
/// number clamped to 1...500, and 1 when it is missing or not a number.
public enum QueryCount {
    public static let range = 1...500

    public static func parse(_ text: String?) -> Int {
        guard let text, let value = Int(text) else {
            // Not a number at all; a number too large for Int is still "many".
            if let text, !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                return range.upperBound
            }
            return range.lowerBound
        }
        return min(max(value, range.lowerBound), range.upperBound)
    }

    /// The count asked by `request`'s query string.
    public static func of(_ request: Request) -> Int {
        parse(request.query("queries"))
    }
}
