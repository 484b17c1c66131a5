import Foundation
import PostgresNIO

/// `DATABASE_URL` parsing: `postgres://USER:PASSWORD@HOST:PORT/DATABASE`, or a UNIX socket
/// with `postgres://USER:PASSWORD@/DATABASE?host=/socket/directory&port=PORT` (libpq's
/// form: the socket is `DIRECTORY/.s.PGSQL.PORT`, port 5432 unless given).
public enum DatabaseURL {
    public struct Invalid: Error, CustomStringConvertible {
        public let url: String
        public let why: String
        public var description: String {
            "invalid DATABASE_URL \"\(url)\": \(why) (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)"
        }
    }

    public static func configuration(_ text: String) throws -> PostgresConnection.Configuration {
        guard let components = URLComponents(string: text) else { throw Invalid(url: text, why: "not a URL") }
        guard components.scheme == "postgres" || components.scheme == "postgresql" else {
            throw Invalid(url: text, why: "the scheme must be postgres or postgresql")
        }
        guard let user = components.user, !user.isEmpty else { throw Invalid(url: text, why: "no user name") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw Invalid(url: text, why: "no database name") }
        let password = components.password
        let query = components.queryItems ?? []
        let queryPort = query.first(where: { $0.name == "port" })?.value
        guard let port = components.port ?? (queryPort.map { Int($0) } ?? 5432), (1...65535).contains(port) else {
            throw Invalid(url: text, why: "the port is not a number in 1...65535")
        }
        if let socketDirectory = query.first(where: { $0.name == "host" })?.value, socketDirectory.hasPrefix("/") {
            return PostgresConnection.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database
            )
        }
        guard let host = components.host, !host.isEmpty else {
            throw Invalid(url: text, why: "no host (for a UNIX socket add ?host=/socket/directory)")
        }
        return PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable
        )
    }
}
