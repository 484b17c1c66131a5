#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The page served while the last build failed: 503, the build's output, and a reload
/// every few seconds, so the browser shows the app again once a build succeeds. The
/// supervisor serves it itself, with Pronto's engine on a copy of the listening socket.
enum BuildErrorPage {
    static func response(_ log: String, command: [String]) -> Response {
        let page = """
            <!doctype html>
            <html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>Build failed</title>
            <style>body{font:14px system-ui,sans-serif;margin:2em}pre{background:#111;color:#eee;padding:1em;overflow:auto;white-space:pre-wrap}</style>
            </head><body><h1>Build failed</h1>
            <p><code>\(escaped(command.joined(separator: " ")))</code> failed; this page reloads until the next build succeeds.</p>
            <pre>\(escaped(log))</pre>
            </body></html>

            """
        return Response(
            status: .serviceUnavailable, contentType: "text/html; charset=utf-8",
            headers: ["Retry-After": "2", "Cache-Control": "no-store"], body: .string(page)
        )
    }

    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A server answering every request with the page, on a copy of `listener`.
    static func serve(_ response: Response, listener: CInt, configuration: ServerConfiguration) -> Server {
        var configuration = configuration
        configuration.eventLoopThreads = 1
        configuration.workers = 0
        configuration.logger.logLevel = max(configuration.logger.logLevel, .warning)
        let server = Server(configuration: configuration, handler: .sync { _ in response })
        let copy = fcntl(listener, F_DUPFD_CLOEXEC, 10)
        Task {
            do {
                try await server.start(adopting: .socket(copy))
            } catch {
                configuration.logger.error("cannot serve the build's error page", metadata: ["error": "\(error)"])
            }
        }
        return server
    }
}
