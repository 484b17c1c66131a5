import NIOCore
import NIOPosix
import ProntoCore
import Testing

@Suite("Event loop task executor")
struct EventLoopTaskExecutorTests {
    @Test("tasks preferring the executor run on its loop, and resume there (through the executor's queue) after awaiting a future the loop completes")
    func runsOnTheLoop() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let executor = EventLoopTaskExecutor(loop)
        let onLoop = try await Task(executorPreference: executor) { () async throws -> [Bool] in
            var seen = [loop.inEventLoop]
            for _ in 0..<100 {
                // Completed by a later loop task: a real suspension, resumed on the loop's thread.
                let promise = loop.makePromise(of: Void.self)
                loop.execute { promise.succeed() }
                try await promise.futureResult.get()
                seen.append(loop.inEventLoop)
            }
            return seen
        }.value
        #expect(onLoop.count == 101)
        #expect(onLoop.allSatisfy { $0 })
    }
}
