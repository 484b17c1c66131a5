import Foundation
import Logging
import NIOCore
import NIOPosix
import Pronto
import ProntoTesting
import Testing
@testable import WorldApp

/// The databases the endpoint tests run against: SQLite always, PostgreSQL when
/// `WORLD_TEST_DATABASE_URL` names one (scripts/test.sh starts a throwaway cluster and sets it).
enum Backend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres

    var description: String { rawValue }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["WORLD_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var available: [Backend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    func open() async throws -> any WorldDatabase {
        var logger = Logger(label: "world-test")
        logger.logLevel = .warning
        switch self {
        case .sqlite:
            return try await SQLiteWorldDatabase.open(logger: logger)
        case .postgres:
            let url = try #require(Self.postgresURL)
            return PostgresWorldDatabase(configuration: try DatabaseURL.configuration(url), connectionsPerLoop: 4, logger: logger)
        }
    }
}

/// A logger for the server under test and for tests that provoke errors on purpose: the
/// expected warnings stay out of the output.
func quietLogger() -> Logger {
    var logger = Logger(label: "world-test")
    logger.logLevel = .critical
    return logger
}

func testConfiguration() -> ServerConfiguration {
    ServerConfiguration(target: .tcp(host: "127.0.0.1", port: 0), logger: quietLogger())
}

/// Runs `body` against the World app on a live server backed by `backend`.
func withWorld(_ backend: Backend, extraRoutes: (App, any WorldDatabase) -> Void = { _, _ in },
               _ body: (TestClient, any WorldDatabase) async throws -> Void) async throws {
    let database = try await backend.open()
    let app = WorldRoutes.make(configuration: testConfiguration(), database: database)
    extraRoutes(app, database)
    try await app.test(.live) { client in try await body(client, database) }
}

/// The response body as JSON, failing the test when it is not.
func json(_ response: TestResponse) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(response.body))
}

/// Checks one TechEmpower World object: exactly `id` and `randomNumber`, both in 1...10000.
func expectWorld(_ value: Any?, sourceLocation: SourceLocation = #_sourceLocation) throws -> World {
    let object = try #require(value as? [String: Any], "not a JSON object: \(String(describing: value))", sourceLocation: sourceLocation)
    #expect(Set(object.keys) == ["id", "randomNumber"], sourceLocation: sourceLocation)
    let id = try #require(object["id"] as? Int, sourceLocation: sourceLocation)
    let number = try #require(object["randomNumber"] as? Int, sourceLocation: sourceLocation)
    #expect(World.idRange.contains(Int32(id)) && World.idRange.contains(Int32(number)), sourceLocation: sourceLocation)
    return World(id: Int32(id), randomNumber: Int32(number))
}

@Suite struct WorldEndpointTests {
    @Test func postgresIsConfiguredInCI() {
        // CI must test PostgreSQL, not skip it: scripts/test.sh sets WORLD_TEST_DATABASE_URL.
        if ProcessInfo.processInfo.environment["CI"] != nil {
            #expect(Backend.postgresURL != nil, "CI runs without WORLD_TEST_DATABASE_URL: PostgreSQL would go untested")
        }
    }

    @Test(arguments: Backend.available)
    func plaintextAndJSON(backend: Backend) async throws {
        try await withWorld(backend) { client, _ in
            let plain = try await client.get("/plaintext")
            #expect(plain.status == 200 && plain.bodyString == "Hello, World!")
            #expect(plain.header("content-type") == "text/plain")
            let message = try await client.get("/json")
            #expect(message.header("content-type") == "application/json")
            #expect(try json(message) as? [String: String] == ["message": "Hello, World!"])
        }
    }

    @Test(arguments: Backend.available)
    func dbAnswersOneRandomRow(backend: Backend) async throws {
        try await withWorld(backend) { client, _ in
            var ids = Set<Int32>()
            for _ in 0..<20 {
                let response = try await client.get("/db")
                #expect(response.status == 200)
                #expect(response.header("content-type") == "application/json")
                ids.insert(try expectWorld(try json(response)).id)
            }
            #expect(ids.count > 10, "ids should be random, got \(ids.sorted())")
        }
    }

    @Test(arguments: Backend.available)
    func queriesClampTheCountAndFetchEachRow(backend: Backend) async throws {
        try await withWorld(backend) { client, _ in
            let cases: [(String, Int)] = [
                ("/queries", 1), ("/queries?queries=", 1), ("/queries?queries=foo", 1), ("/queries?queries=0", 1),
                ("/queries?queries=-1", 1), ("/queries?queries=1", 1), ("/queries?queries=20", 20),
                ("/queries?queries=500", 500), ("/queries?queries=501", 500), ("/queries?queries=100000000000000000000", 500),
            ]
            for (target, count) in cases {
                let response = try await client.get(target)
                #expect(response.status == 200, "\(target)")
                let rows = try #require(try json(response) as? [Any], "\(target) is not a JSON array")
                #expect(rows.count == count, "\(target)")
                for row in rows { _ = try expectWorld(row) }
            }
        }
    }

    @Test(arguments: Backend.available)
    func fortunesAreAllRowsPlusOneSortedAndEscaped(backend: Backend) async throws {
        try await withWorld(backend) { client, _ in
            let response = try await client.get("/fortunes")
            #expect(response.status == 200)
            #expect(response.header("content-type") == "text/html; charset=utf-8")
            // TechEmpower's expected page, written out independently of the renderer.
            let expected = """
                <!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>\
                <tr><td>11</td><td>&lt;script&gt;alert(&quot;This should not be displayed in a browser alert box.&quot;);&lt;/script&gt;</td></tr>\
                <tr><td>4</td><td>A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1</td></tr>\
                <tr><td>5</td><td>A computer program does what you tell it to do, not what you want it to do.</td></tr>\
                <tr><td>2</td><td>A computer scientist is someone who fixes things that aren&#39;t broken.</td></tr>\
                <tr><td>8</td><td>A list is only as strong as its weakest link. — Donald Knuth</td></tr>\
                <tr><td>0</td><td>Additional fortune added at request time.</td></tr>\
                <tr><td>3</td><td>After enough decimal places, nobody gives a damn.</td></tr>\
                <tr><td>7</td><td>Any program that runs right is obsolete.</td></tr>\
                <tr><td>10</td><td>Computers make very fast, very accurate mistakes.</td></tr>\
                <tr><td>6</td><td>Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen</td></tr>\
                <tr><td>9</td><td>Feature: A bug with seniority.</td></tr>\
                <tr><td>1</td><td>fortune: No such file or directory</td></tr>\
                <tr><td>12</td><td>フレームワークのベンチマーク</td></tr>\
                </table></body></html>
                """
            #expect(response.bodyString == expected)
            #expect(Int(response.header("content-length") ?? "") == response.body.count)
        }
    }

    @Test(arguments: Backend.available)
    func unknownPathsAndMethodsGetTheFrameworksAnswers(backend: Backend) async throws {
        try await withWorld(backend) { client, _ in
            let missing = try await client.get("/nope")
            #expect(missing.status == 404)
            let wrongMethod = try await client.post("/db", body: "")
            #expect(wrongMethod.status == 405)
            let db = try await client.get("/db")
            #expect(db.status == 200)
        }
    }
}

/// The tests that write, one at a time: a concurrent writer would change the rows one
/// test reads back.
@Suite(.serialized) struct WorldUpdateTests {
    @Test(arguments: Backend.available)
    func updatesAreVisibleOnALaterRead(backend: Backend) async throws {
        try await withWorld(backend) { client, database in
            let loop = MultiThreadedEventLoopGroup.singleton.next()
            for target in ["/updates?queries=20", "/updates", "/updates?queries=abc", "/updates?queries=600"] {
                let response = try await client.get(target)
                #expect(response.status == 200, "\(target)")
                let rows = try #require(try json(response) as? [Any]).map { try expectWorld($0) }
                #expect(rows.count == QueryCount.parse(URLComponents(string: target)?.queryItems?.first?.value), "\(target)")
                // What the response shows is what the table now holds.
                let stored = try await database.worlds(ids: rows.map(\.id), on: loop)
                #expect(stored == rows, "\(target)")
            }
        }
    }

    @Test(arguments: Backend.available)
    func concurrentUpdatesNeitherFailNorDeadlock(backend: Backend) async throws {
        try await withWorld(backend) { client, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    let connection = try await client.connect()
                    group.addTask {
                        for _ in 0..<5 {
                            let response = try await connection.request("GET", "/updates?queries=50")
                            #expect(response.status == 200, "\(response.bodyString)")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
