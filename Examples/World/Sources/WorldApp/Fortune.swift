/// A row of the `Fortune` table.
public struct Fortune: Hashable, Sendable {
    public var id: Int32
    public var message: String

    public init(id: Int32, message: String) {
        self.id = id
        self.message = message
    }

    /// The fortune the `/fortunes` test adds at request time, before sorting.
    public static let addedAtRequestTime = Fortune(id: 0, message: "Additional fortune added at request time.")

    /// TechEmpower's 12 rows, which the SQLite default seeds (`scripts/world.sql` seeds
    /// PostgreSQL with the same).
    public static let seed: [Fortune] = [
        Fortune(id: 1, message: "fortune: No such file or directory"),
        Fortune(id: 2, message: "A computer scientist is someone who fixes things that aren't broken."),
        Fortune(id: 3, message: "After enough decimal places, nobody gives a damn."),
        Fortune(id: 4, message: "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"),
        Fortune(id: 5, message: "A computer program does what you tell it to do, not what you want it to do."),
        Fortune(id: 6, message: "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen"),
        Fortune(id: 7, message: "Any program that runs right is obsolete."),
        Fortune(id: 8, message: "A list is only as strong as its weakest link. — Donald Knuth"),
        Fortune(id: 9, message: "Feature: A bug with seniority."),
        Fortune(id: 10, message: "Computers make very fast, very accurate mistakes."),
        Fortune(id: 11, message: "<script>alert(\"This should not be displayed in a browser alert box.\");</script>"),
        Fortune(id: 12, message: "フレームワークのベンチマーク"),
    ]
}
