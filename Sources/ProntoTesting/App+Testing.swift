import Pronto

/// A client for an `App` under test: requests go over one keep-alive connection, in
/// either ``TestMode``; ``connect()`` opens more.
public struct TestClient: Sendable {
    /// The server the client talks to.
    public let server: TestServer
    /// The client's keep-alive connection.
    public let connection: TestConnection

    /// Sends a request and reads its response.
    public func request(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil
    ) async throws -> TestResponse {
        try await connection.request(method, target, headers: headers, body: body)
    }

    /// Sends `GET target` and reads the response.
    public func get(_ target: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await request("GET", target, headers: headers)
    }

    /// Sends `HEAD target` and reads the response (no body).
    public func head(_ target: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await request("HEAD", target, headers: headers)
    }

    /// Sends `DELETE target` and reads the response.
    public func delete(_ target: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await request("DELETE", target, headers: headers)
    }

    /// Sends `OPTIONS target` and reads the response.
    public func options(_ target: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await request("OPTIONS", target, headers: headers)
    }

    /// Sends `POST target` with `body` and reads the response.
    public func post(_ target: String, body: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await request("POST", target, headers: headers, body: Array(body.utf8))
    }

    /// Sends `PUT target` with `body` and reads the response.
    public func put(_ target: String, body: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await request("PUT", target, headers: headers, body: Array(body.utf8))
    }

    /// A further connection to the same server.
    public func connect() async throws -> TestConnection {
        try await server.connect()
    }
}

extension App {
    /// Runs `body` with a client of this app: in-process (no socket) or live (a real server on
    /// an ephemeral port). Startup hooks run before, shutdown hooks after, while the test
    /// server's event loops still run (as `App/shutdown()` runs them before its loops stop).
    ///
    /// ```swift
    /// try await app.test(.inProcess) { client in
    ///     let response = try await client.get("/hello/world")
    ///     #expect(response.status == 200)
    /// }
    /// ```
    public func test<T: Sendable>(_ mode: TestMode, _ body: (TestClient) async throws -> T) async throws -> T {
        try await runStartupHooks()
        let handler = try makeHandler()
        return try await withTestServer(mode, configuration: configuration, handler: handler) { server in
            do {
                let result = try await body(TestClient(server: server, connection: try await server.connect()))
                await shutdown()
                return result
            } catch {
                await shutdown()
                throw error
            }
        }
    }
}
