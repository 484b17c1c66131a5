// What swift-http-types would cost on Pronto's hot path: the figures behind the decision in
// Sources/ProntoHTTPTypes/HeaderTypeDecision.swift. Set beside "Parser TechEmpower 446 B
// simd" and "Encoder engine path" of the same run.

import Benchmark
import HTTPTypes
import NIOCore
import NIOEmbedded
import Pronto
import ProntoHTTP
import ProntoHTTPTypes

func registerHTTPTypesBenchmarks() {
    // The request side: Pronto's request keeps offsets into the read buffer; an HTTPTypes
    // request needs a String per name and value, and HTTPFields' storage.
    Benchmark("HTTPTypes Request.httpRequest TechEmpower") { benchmark in
        let request = parsedRequest(techEmpowerRequest)
        guard request.httpRequest.headerFields.count == 5 else { return benchmark.error("unexpected conversion") }
        measure(benchmark, bytesPerOperation: techEmpowerRequest.count) {
            for _ in benchmark.scaledIterations { blackHole(request.httpRequest) }
        }
    }

    // The response side: a handler's response with two fields, built each way and encoded
    // by the engine's path (HTTPTypes through Response(_:body:), the conversion an
    // HTTPTypes-typed Response would not need, measured apart below).
    Benchmark("Headers Pronto Response + 2 fields, engine encode") { benchmark in
        let date = DateCache()
        var output = ByteBufferAllocator().buffer(capacity: 4096)
        measure(benchmark, bytesPerOperation: 0) {
            for _ in benchmark.scaledIterations {
                var response = Response(status: .ok, contentType: "text/plain", body: .string(helloWorld))
                response.headers.add(name: "Cache-Control", value: "no-store")
                response.headers.add(name: "X-Request-Id", value: "4bf92f3577b34da6")
                encodeLikeTheEngine(response, date: date, into: &output)
                blackHole(output.readableBytes)
                output.clear()
            }
        }
    }

    Benchmark("Headers HTTPTypes HTTPResponse + 2 fields, converted, engine encode") { benchmark in
        let date = DateCache()
        var output = ByteBufferAllocator().buffer(capacity: 4096)
        let requestID = HTTPField.Name("X-Request-Id")!
        measure(benchmark, bytesPerOperation: 0) {
            for _ in benchmark.scaledIterations {
                var head = HTTPResponse(status: .ok)
                head.headerFields[.contentType] = "text/plain"
                head.headerFields[.cacheControl] = "no-store"
                head.headerFields[requestID] = "4bf92f3577b34da6"
                encodeLikeTheEngine(Response(head, body: .string(helloWorld)), date: date, into: &output)
                blackHole(output.readableBytes)
                output.clear()
            }
        }
    }

    Benchmark("Headers build only, Pronto HTTPFields 3 fields") { benchmark in
        measure(benchmark, bytesPerOperation: 0) {
            for _ in benchmark.scaledIterations {
                var fields = ProntoHTTP.HTTPFields()
                fields.add(name: "Content-Type", value: "text/plain")
                fields.add(name: "Cache-Control", value: "no-store")
                fields.add(name: "X-Request-Id", value: "4bf92f3577b34da6")
                blackHole(fields)
            }
        }
    }

    Benchmark("Headers build only, HTTPTypes HTTPFields 3 fields") { benchmark in
        let requestID = HTTPField.Name("X-Request-Id")!
        measure(benchmark, bytesPerOperation: 0) {
            for _ in benchmark.scaledIterations {
                var fields = HTTPTypes.HTTPFields()
                fields[.contentType] = "text/plain"
                fields[.cacheControl] = "no-store"
                fields[requestID] = "4bf92f3577b34da6"
                blackHole(fields)
            }
        }
    }
}

/// `bytes` parsed into a Request as the engine makes one (no connection behind it).
func parsedRequest(_ bytes: [UInt8]) -> Request {
    var parser = RequestParser()
    let head: RequestHead = bytes.withUnsafeBytes { raw in
        guard case .complete(let head) = parser.parse(raw) else { fatalError("the request did not parse") }
        return head
    }
    let connection = ConnectionInfo(remoteAddress: nil, eventLoop: EmbeddedEventLoop(), allocator: ByteBufferAllocator())
    return Request(head: head, headBytes: ByteBuffer(bytes: bytes), body: nil, connection: connection)
}
