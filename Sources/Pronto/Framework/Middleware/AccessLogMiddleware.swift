import Logging

/// Logs one line per request: method, target, status, duration and peer, at `level`.
/// Off unless installed (`app.use(AccessLogMiddleware())`). Install it outermost, with
/// ``ErrorMiddleware`` inside it, to log the status of failed requests too.
public struct AccessLogMiddleware: InlineMiddleware {
    let logger: Logger
    let level: Logger.Level

    /// Logs to `logger` at `level`.
    public init(logger: Logger = Logger(label: "pronto.access"), level: Logger.Level = .info) {
        self.logger = logger
        self.level = level
    }

    public func willRespond(to request: inout Request) -> MiddlewareStep<ContinuousClock.Instant> {
        .proceed(ContinuousClock.now)
    }

    public func didRespond(to request: Request, context start: ContinuousClock.Instant, response: inout Response) {
        log(request, status: response.status.code, since: start)
    }

    public func didFail(request: Request, context start: ContinuousClock.Instant, error: any Error) throws -> Response {
        log(request, status: (error as? any ResponseError)?.response.status.code ?? 500, since: start)
        throw error
    }

    private func log(_ request: Request, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        logger.log(
            level: level, "\(request.methodName) \(request.target) \(status)",
            metadata: ["duration_us": "\(micros)", "peer": "\(request.remoteAddress?.description ?? "-")"]
        )
    }
}
