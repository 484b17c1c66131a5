// hummingbird-world: a Hummingbird 2 + PostgresNIO peer for the World example's
// TechEmpower benchmarks, written the way Hummingbird's documentation and examples would.
//
//   GET /plaintext            Hello, World!
//   GET /json                 {"message":"Hello, World!"}
//   GET /db                   one random World row
//   GET /queries?queries=N    N random World rows, one query each (N clamped to 1...500)
//   GET /updates?queries=N    N random World rows, read one by one, written back in one statement
//   GET /fortunes             the Fortune table as an HTML page (swift-mustache)
//
// Build and run (the database as printed by Examples/World/scripts/postgres.sh start):
//   swift build -c release --package-path Examples/World/Benchmarks/Hummingbird/HummingbirdWorld
//   DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/DATABASE \
//     Examples/World/Benchmarks/Hummingbird/HummingbirdWorld/.build/release/hummingbird-world \
//     [--host 127.0.0.1] [--port 8080] [--threads 1] [--unix-socket PATH] [--pool-size 16]

import Foundation
import Hummingbird
import Logging
import Mustache
import NIOPosix
import PostgresNIO

// MARK: Options

struct Options {
    var host = "127.0.0.1"
    var port = 8080
    var threads = 1
    var unixSocket: String?
    var poolSize = 16

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 0
        func value(_ name: String) -> String {
            index += 1
            guard index < arguments.count else {
                fatalError("missing value for \(name)")
            }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--host": options.host = value(argument)
            case "--port": options.port = Int(value(argument)) ?? options.port
            case "--threads": options.threads = max(1, Int(value(argument)) ?? 1)
            case "--unix-socket": options.unixSocket = value(argument)
            case "--pool-size": options.poolSize = max(1, Int(value(argument)) ?? options.poolSize)
            default:
                if let port = Int(argument) {
                    options.port = port
                } else {
                    fatalError("unknown argument \(argument)")
                }
            }
            index += 1
        }
        return options
    }
}

/// `postgres://USER:PASSWORD@HOST:PORT/DATABASE`, TLS disabled, or a UNIX socket in
/// libpq's form `postgres://USER:PASSWORD@/DATABASE?host=/socket/dir&port=PORT`.
func postgresConfiguration(_ url: String) -> PostgresClient.Configuration? {
    guard let components = URLComponents(string: url),
          components.scheme == "postgres" || components.scheme == "postgresql",
          let user = components.user
    else { return nil }
    let database = String(components.path.drop(while: { $0 == "/" }))
    let query = components.queryItems ?? []
    let port = components.port ?? query.first(where: { $0.name == "port" })?.value.flatMap { Int($0) } ?? 5432
    if let directory = query.first(where: { $0.name == "host" })?.value, directory.hasPrefix("/") {
        return PostgresClient.Configuration(
            unixSocketPath: "\(directory)/.s.PGSQL.\(port)",
            username: user,
            password: components.password,
            database: database.isEmpty ? nil : database
        )
    }
    guard let host = components.host, !host.isEmpty else { return nil }
    return PostgresClient.Configuration(
        host: host,
        port: port,
        username: user,
        password: components.password,
        database: database.isEmpty ? nil : database,
        tls: .disable
    )
}

// MARK: Models and statements

struct Message: ResponseEncodable {
    let message: String
}

struct World: ResponseEncodable {
    var id: Int32
    var randomNumber: Int32
}

struct Fortune {
    let id: Int32
    let message: String
}

struct SelectWorld: PostgresPreparedStatement {
    static let sql = "SELECT id, randomnumber FROM world WHERE id = $1"
    typealias Row = (Int32, Int32)

    var id: Int32

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(self.id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

/// All updates in one statement; the caller sorts the ids so concurrent updates lock rows
/// in the same order.
struct UpdateWorlds: PostgresPreparedStatement {
    static let sql = """
        UPDATE world SET randomnumber = v.r \
        FROM (SELECT unnest($1::int[]) AS id, unnest($2::int[]) AS r) AS v \
        WHERE world.id = v.id
        """
    typealias Row = ()

    var ids: [Int32]
    var randomNumbers: [Int32]

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(self.ids)
        bindings.append(self.randomNumbers)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {}
}

struct SelectFortunes: PostgresPreparedStatement {
    static let sql = "SELECT id, message FROM fortune"
    typealias Row = (Int32, String)

    func makeBindings() -> PostgresBindings { PostgresBindings() }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

/// An HTML page response.
struct HTML: ResponseGenerator {
    let html: String

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: self.html))
        )
    }
}

// MARK: Routes

/// TechEmpower's `queries` parameter: 1...500, 1 when missing or not a number.
func queryCount(_ request: Request) -> Int {
    guard let text = request.uri.queryParameters.get("queries") else { return 1 }
    guard let count = Int(text) else {
        // All digits but too large for Int is still "many".
        return !text.isEmpty && text.allSatisfy(\.isASCIIDigit) ? 500 : 1
    }
    return min(max(count, 1), 500)
}

extension Character {
    var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}

func randomWorldID() -> Int32 { Int32.random(in: 1...10000) }

/// One World row by id on `connection`.
func world(_ id: Int32, on connection: PostgresConnection, logger: Logger) async throws -> World {
    for try await (id, randomNumber) in try await connection.execute(SelectWorld(id: id), logger: logger) {
        return World(id: id, randomNumber: randomNumber)
    }
    throw HTTPError(.notFound)
}

func buildRouter(client: PostgresClient, fortunesTemplate: MustacheTemplate) -> Router<BasicRequestContext> {
    let router = Router()

    router.get("plaintext") { _, _ -> String in
        "Hello, World!"
    }

    router.get("json") { _, _ -> Message in
        Message(message: "Hello, World!")
    }

    router.get("db") { _, context -> World in
        for try await (id, randomNumber) in try await client.execute(SelectWorld(id: randomWorldID()), logger: context.logger) {
            return World(id: id, randomNumber: randomNumber)
        }
        throw HTTPError(.notFound)
    }

    router.get("queries") { request, context -> [World] in
        let count = queryCount(request)
        return try await client.withConnection { connection in
            var worlds: [World] = []
            worlds.reserveCapacity(count)
            for _ in 0..<count {
                worlds.append(try await world(randomWorldID(), on: connection, logger: context.logger))
            }
            return worlds
        }
    }

    router.get("updates") { request, context -> [World] in
        let count = queryCount(request)
        return try await client.withConnection { connection in
            var worlds: [World] = []
            worlds.reserveCapacity(count)
            // A repeated id keeps the number it was first given.
            var newNumbers: [Int32: Int32] = [:]
            for _ in 0..<count {
                var world = try await world(randomWorldID(), on: connection, logger: context.logger)
                if let number = newNumbers[world.id] {
                    world.randomNumber = number
                } else {
                    var number = randomWorldID()
                    while number == world.randomNumber { number = randomWorldID() }
                    newNumbers[world.id] = number
                    world.randomNumber = number
                }
                worlds.append(world)
            }
            let ids = newNumbers.keys.sorted()
            let update = UpdateWorlds(ids: ids, randomNumbers: ids.map { newNumbers[$0]! })
            _ = try await connection.execute(update, logger: context.logger)
            return worlds
        }
    }

    router.get("fortunes") { _, context -> HTML in
        var fortunes: [Fortune] = []
        for try await (id, message) in try await client.execute(SelectFortunes(), logger: context.logger) {
            fortunes.append(Fortune(id: id, message: message))
        }
        fortunes.append(Fortune(id: 0, message: "Additional fortune added at request time."))
        fortunes.sort { $0.message.unicodeScalars.lexicographicallyPrecedes($1.message.unicodeScalars) }
        return HTML(html: fortunesTemplate.render(["fortunes": fortunes]))
    }

    return router
}

// MARK: Main

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))

guard let databaseURL = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
    FileHandle.standardError.write(Data(
        "hummingbird-world: set DATABASE_URL, e.g. postgres://benchmarkdbuser:benchmarkdbpass@127.0.0.1:5432/hello_world\n".utf8
    ))
    exit(1)
}
guard var postgres = postgresConfiguration(databaseURL) else {
    FileHandle.standardError.write(Data(
        "hummingbird-world: invalid DATABASE_URL \(databaseURL) (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)\n".utf8
    ))
    exit(1)
}
postgres.options.maximumConnections = options.poolSize

var logger = Logger(label: "hummingbird-world")
logger.logLevel = .warning

let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
let client = PostgresClient(configuration: postgres, eventLoopGroup: eventLoopGroup, backgroundLogger: logger)

let fortunesTemplate = try MustacheTemplate(string: """
    <!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>\
    <tr><th>id</th><th>message</th></tr>\
    {{#fortunes}}<tr><td>{{id}}</td><td>{{message}}</td></tr>{{/fortunes}}\
    </table></body></html>
    """)

let address: BindAddress = options.unixSocket.map { .unixDomainSocket(path: $0) }
    ?? .hostname(options.host, port: options.port)

var app = Application(
    router: buildRouter(client: client, fortunesTemplate: fortunesTemplate),
    configuration: .init(address: address, serverName: "hummingbird"),
    eventLoopGroupProvider: .shared(eventLoopGroup),
    logger: logger
)
// The client's run() goes in the application's ServiceGroup, which stops it on SIGTERM/SIGINT.
app.addServices(client)

print(
    "hummingbird-world listening on \(options.unixSocket ?? "\(options.host):\(options.port)")"
        + " with \(options.threads) event loop thread(s), \(options.poolSize) PostgreSQL connection(s)"
)
try await app.runService()
try await eventLoopGroup.shutdownGracefully()
