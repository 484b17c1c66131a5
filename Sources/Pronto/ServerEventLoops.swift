import NIOCore
import NIOPosix

/// Making and stopping a server's event loops, shared by ``Server`` (when it owns its
/// loops) and ``App`` (which owns them so that shutdown hooks run before they stop).
enum ServerEventLoops {
    /// One loop per ``ServerConfiguration/eventLoopThreads``.
    ///
    /// - Throws: ``ConfigurationError`` when that is below 1.
    static func make(for configuration: ServerConfiguration) throws -> MultiThreadedEventLoopGroup {
        try ServerConfiguration.validateEventLoopThreads(configuration.eventLoopThreads)
        return MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
    }

    /// Stops `group` and waits for it.
    static func shutdown(_ group: any EventLoopGroup) async {
        // From the global executor: a group cannot be shut down from one of its own loops.
        await Task.detached { try? await group.shutdownGracefully() }.value
    }
}
