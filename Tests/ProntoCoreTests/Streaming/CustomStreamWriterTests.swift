import NIOConcurrencyHelpers
import NIOCore
import ProntoCore
import Testing

@Suite("Stream writers over functions")
struct CustomStreamWriterTests {
    @Test("produce(into:) runs the stream's function with a writer that hands writes and the end to functions, in order")
    func functionsSeeWrites() async throws {
        let log = NIOLockedValueBox<[String]>([])
        let stream = ResponseBodyStream { writer in
            try await writer.write("one")
            try await writer.write(ByteBuffer(string: "two"))
            try await writer.finish(trailers: ["X-Done": "yes"])
        }
        let writer = ResponseBodyStreamWriter(
            allocator: ByteBufferAllocator(),
            write: { buffer in log.withLockedValue { $0.append(String(buffer: buffer)) } },
            finish: { trailers in log.withLockedValue { $0.append("finish \(trailers["x-done"] ?? "-")") } }
        )
        try await stream.produce(into: writer)
        #expect(log.withLockedValue { $0 } == ["one", "two", "finish yes"])
    }

    @Test("produce(into:) does not finish for the function")
    func noImplicitFinish() async throws {
        let finished = NIOLockedValueBox(false)
        let writer = ResponseBodyStreamWriter(
            allocator: ByteBufferAllocator(), write: { _ in }, finish: { _ in finished.withLockedValue { $0 = true } })
        try await ResponseBodyStream { writer in try await writer.write("x") }.produce(into: writer)
        #expect(finished.withLockedValue { $0 } == false)
    }
}
