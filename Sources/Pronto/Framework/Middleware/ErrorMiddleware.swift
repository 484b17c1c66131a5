import Logging

/// Turns errors into responses inside the middleware chain, so that middleware outside it
/// (an access log, CORS) see the final status: a ``ResponseError`` (``HTTPError``,
/// ``ParameterError``) becomes its response, any other error a 500 whose body says nothing
/// (the error goes to the log).
public struct ErrorMiddleware: Middleware {
    let logger: Logger

    public init(logger: Logger = Logger(label: "pronto")) {
        self.logger = logger
    }

    public func handle(_ request: Request, next: Next) async throws -> Response {
        do {
            return try await next(request)
        } catch let error as any ResponseError {
            return error.response
        } catch {
            logger.error("handler failed", metadata: ["error": "\(error)", "method": "\(request.methodName)", "target": "\(request.target)"])
            return Response(status: .internalServerError, contentType: "text/plain; charset=utf-8", body: .string("Internal Server Error\n"))
        }
    }
}
