/// A row of the `World` table: TechEmpower's `{"id":N,"randomNumber":M}`.
public struct World: Codable, Hashable, Sendable {
    public var id: Int32
    public var randomNumber: Int32

    public init(id: Int32, randomNumber: Int32) {
        self.id = id
        self.randomNumber = randomNumber
    }

    /// The table holds ids 1...10000 and random numbers in the same range.
    public static let idRange: ClosedRange<Int32> = 1...10_000
    public static let rowCount = 10_000

    /// A uniformly random id or random number in ``idRange``.
    public static func randomValue() -> Int32 { Int32.random(in: idRange) }
}
