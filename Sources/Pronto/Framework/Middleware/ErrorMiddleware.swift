import Logging

/// Turns errors into responses inside the middleware chain, so that middleware outside it
/// (an access log, CORS) see the final status: a `ResponseError` (``HTTPError``,
/// ``ParameterError``) becomes its response, any other error a 500 whose body says nothing
/// (the error goes to the log).
public struct ErrorMiddleware: InlineMiddleware {
    let logger: Logger

    /// Logs unexpected errors to `logger`.
    public init(logger: Logger = Logger(label: "pronto")) {
        self.logger = logger
    }

    public func didFail(request: Request, context: Void, error: any Error) -> Response {
        if let error = error as? any ResponseError { return error.response }
        logger.error("handler failed", metadata: ["error": "\(error)", "method": "\(request.methodName)", "target": "\(request.target)"])
        return Response(status: .internalServerError, contentType: "text/plain; charset=utf-8", body: .string("Internal Server Error\n"))
    }
}
