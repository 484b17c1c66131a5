/// How the framework uses the engine's per-request slot, ``Request/context``
/// (a ``RequestContextStorage``: one reference and three words of bits):
///
/// | part | holds |
/// | --- | --- |
/// | `object` | the ``ParameterLayout`` of the route that matched, shared by all its requests; nil when the route has no parameters or none matched |
/// | `bits.0` | where the request id comes from: 0 none, 1 the client's `X-Request-ID`, 2 generated |
/// | `bits.1`, `bits.2` | a generated request id's 128 random bits |
///
/// Nothing here allocates: the layout is made once per route, the client's id is read
/// again from the head's bytes when asked for, a generated one is rendered then. Data that
/// does not fit would go into a box allocated only for the requests that use it.
extension Request {
    /// The layout of the matched route's parameters, attached by ``App``'s dispatcher.
    var routeLayout: ParameterLayout? {
        get { context.object as? ParameterLayout }
        set { context.object = newValue }
    }

    /// Where ``requestID`` comes from, set by ``RequestIDMiddleware``.
    var requestIDSource: RequestIDSource {
        get {
            switch context.bits.0 {
            case 1: .header
            case 2: .generated(context.bits.1, context.bits.2)
            default: .none
            }
        }
        set {
            switch newValue {
            case .none: context.bits = (0, 0, 0)
            case .header: context.bits = (1, 0, 0)
            case .generated(let high, let low): context.bits = (2, high, low)
            }
        }
    }
}

/// Where a request's id comes from (see ``RequestIDMiddleware``).
enum RequestIDSource: Equatable {
    /// No id: the middleware did not run.
    case none
    /// The client's `X-Request-ID` header, checked by the middleware.
    case header
    /// 128 random bits, written as 32 lowercase hex digits.
    case generated(UInt64, UInt64)
}
