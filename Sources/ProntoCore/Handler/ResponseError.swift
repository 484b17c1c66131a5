/// An error that knows the response it should be answered with (the framework's
/// `HTTPError` is one). When a handler throws one, the engine sends its response; any
/// other error is a 500.
public protocol ResponseError: Error {
    /// The response to answer the request with.
    var response: Response { get }
}
