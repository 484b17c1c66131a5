/// Misuse of an ``App``'s lifecycle.
public enum AppError: Error, Sendable, CustomStringConvertible {
    /// ``App/start()`` (or ``App/run()``) was called on an app that was already started.
    case alreadyStarted

    public var description: String {
        switch self {
        case .alreadyStarted:
            "App.start() was called on an app that was already started (an App starts once, even when that start failed); "
                + "keep the server the first start() returned, or create a new App to serve again"
        }
    }
}
