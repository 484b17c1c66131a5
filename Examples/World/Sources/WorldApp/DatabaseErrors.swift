import NIOCore
import NIOPosix
import PostgresNIO

/// Tells a database that is unreachable (a 503 the client may retry) from a query that
/// failed (a 500, logged).
enum DatabaseErrors {
    static func classify(_ error: any Error, connecting: Bool = false) -> any Error {
        if error is DatabaseUnavailable { return error }
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return DatabaseUnavailable(connecting ? "cannot connect" : "connection lost")
            case .server:
                // Class 57P (operator intervention: shutting down, starting up) and class
                // 08 (connection exception) mean the server is not there for us right now.
                let state = error.serverInfo?[.sqlState] ?? ""
                if state.hasPrefix("57P") || state.hasPrefix("08") || state == "53300" {
                    return DatabaseUnavailable(error.serverInfo?[.message] ?? "server unavailable")
                }
                return error
            default:
                return error
            }
        }
        if connecting || error is NIOConnectionError || error is IOError || error is ChannelError {
            return DatabaseUnavailable(connecting ? "cannot connect" : "connection lost")
        }
        return error
    }
}
