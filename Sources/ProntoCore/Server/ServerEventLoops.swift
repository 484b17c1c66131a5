import NIOCore
import NIOPosix

/// Making and stopping a server's event loops, shared by ``Server`` (when it owns its
/// loops) and the layers above that own the loops themselves (so that their own shutdown
/// work runs before the loops stop).
package enum ServerEventLoops {
    /// One loop per ``ServerConfiguration/eventLoopThreads``.
    ///
    /// - Throws: ``ConfigurationError`` when that is below 1.
    package static func make(for configuration: ServerConfiguration) throws -> MultiThreadedEventLoopGroup {
        try ServerConfiguration.validateEventLoopThreads(configuration.eventLoopThreads)
        return MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
    }

    /// Stops `group` and waits for it.
    package static func shutdown(_ group: any EventLoopGroup) async {
        // From the global executor: a group cannot be shut down from one of its own loops.
        await Task.detached { try? await group.shutdownGracefully() }.value
    }
}
