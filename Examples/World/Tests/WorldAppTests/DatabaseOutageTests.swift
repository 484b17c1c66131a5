import Foundation
import NIOCore
import NIOPosix
import PostgresNIO
import Pronto
import ProntoTesting
import Testing
@testable import WorldApp

@Suite struct DatabaseOutageTests {
    /// A port with nothing listening: bound, then closed.
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }

    @Test func unreachablePostgreSQLIsA503AndTheServerGoesOn() async throws {
        let port = try await Self.closedPort()
        let configuration = try DatabaseURL.configuration("postgres://u:p@127.0.0.1:\(port)/world")
        let database = PostgresWorldDatabase(configuration: configuration, connectionsPerLoop: 2, logger: quietLogger())
        let app = WorldRoutes.make(configuration: testConfiguration(), database: database)
        try await app.test(.live) { client in
            for target in ["/db", "/queries?queries=5", "/updates?queries=5", "/fortunes"] {
                let response = try await client.get(target)
                #expect(response.status == 503, "\(target)")
                #expect(response.bodyString.contains("database unavailable"), "\(target): \(response.bodyString)")
                #expect(response.header("retry-after") == "1")
            }
            // The same connection still serves what needs no database.
            let plain = try await client.get("/plaintext")
            #expect(plain.status == 200)
        }
    }

    @Test(.enabled(if: Backend.postgresURL != nil, "needs WORLD_TEST_DATABASE_URL"))
    func postgreSQLGoingAwayAndComingBackNeedsNoRestart() async throws {
        let url = try #require(Backend.postgresURL)
        let real = try DatabaseURL.configuration(url)
        let target = try SocketAddress.makeAddressResolvingHost(try #require(real.host), port: try #require(real.port))
        let proxy = TCPProxy(group: MultiThreadedEventLoopGroup.singleton, target: target)
        try await proxy.start()
        let viaProxy = PostgresConnection.Configuration(
            host: "127.0.0.1", port: proxy.port, username: real.username, password: real.password, database: real.database, tls: .disable
        )
        let database = PostgresWorldDatabase(configuration: viaProxy, connectionsPerLoop: 2, logger: quietLogger())
        let app = WorldRoutes.make(configuration: testConfiguration(), database: database)
        try await app.test(.live) { client in
            #expect(try await client.get("/db").status == 200)

            await proxy.cut()
            // Requests on the lost connection and new connection attempts both fail cleanly.
            for _ in 0..<3 {
                let response = try await client.get("/db")
                #expect(response.status == 503, "\(response.bodyString)")
            }
            #expect(try await client.get("/json").status == 200)

            try await proxy.start()
            let back = try await client.get("/db")
            #expect(back.status == 200, "\(back.bodyString)")
            _ = try expectWorld(try json(back))
            #expect(try await client.get("/fortunes").status == 200)
        }
        await proxy.cut()
    }

    @Test(.enabled(if: Backend.postgresURL != nil, "needs WORLD_TEST_DATABASE_URL"))
    func queriesRunOnTheRequestsOwnEventLoop() async throws {
        let url = try #require(Backend.postgresURL)
        let database = PostgresWorldDatabase(configuration: try DatabaseURL.configuration(url), connectionsPerLoop: 3, logger: quietLogger())
        let app = WorldRoutes.make(configuration: testConfiguration(), database: database)
        app.get("/probe") { request async throws -> String in
            _ = try await database.worlds(ids: [1, 2, 3], on: request.eventLoop)
            let stillOnLoop = request.eventLoop.inEventLoop
            let connectionLoops = database.connectionEventLoops(for: request.eventLoop)
            let allOwned = !connectionLoops.isEmpty && connectionLoops.allSatisfy { $0 === request.eventLoop }
            return "\(stillOnLoop) \(allOwned)"
        }
        try await app.test(.live) { client in
            for _ in 0..<5 {
                let response = try await client.get("/probe")
                #expect(response.bodyString == "true true")
            }
        }
    }
}
