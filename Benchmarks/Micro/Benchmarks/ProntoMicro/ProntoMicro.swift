// Micro benchmarks of Pronto's wire format: the request parser (SIMD and scalar line
// scanning), the response encoder (alone and on the engine's path into a ByteBuffer)
// and the chunked body decoder.
//
// Every benchmark prepares its state (parser, buffers, Date cache) and warms it with one
// operation before `startMeasurement()`, so the figures are for the steady state of a
// keep-alive connection: a malloc count of 0 means the operation allocates nothing.
// Each sample runs 1,000 operations (`scalingFactor: .kilo`); figures are per operation.
//
//   swift package --package-path Benchmarks/Micro benchmark

import Benchmark
import NIOCore
import Pronto
import ProntoHTTP

/// Megabytes (10^6 bytes) of input handled per second, from the sample's own timing.
let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

/// `.instructions` needs a hardware PMU (perf_event_open): where there is none (most VMs)
/// the row is simply absent. `.cpuTotal` is left out: it has the kernel's 10 ms tick
/// resolution, far coarser than a sample of these benchmarks (add `--metric cpuTotal`).
let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .instructions, .mallocCountTotal, megabytesPerSecond]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: metrics,
        timeUnits: .nanoseconds,
        // Fixed units, so every table reads the same way: operations/s and MB/s in full.
        units: [.throughput: .count, megabytesPerSecond: .count],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(1),
        maxIterations: 10_000
    )

    registerRouterBenchmarks()  // RouterBenchmarks.swift
    registerHTTPTypesBenchmarks()  // HTTPTypesBenchmarks.swift

    // MARK: Parser

    for (name, request, headerCount) in [("TechEmpower", techEmpowerRequest, 6), ("browser", browserRequest, 15)] {
        for scanner in [ByteScanner.simd, .scalar] {
            Benchmark("Parser \(name) \(request.count) B \(scanner)") { benchmark in
                request.withUnsafeBytes { bytes in
                    // The engine keeps one parser per connection and parses each request
                    // from the first byte of its readable bytes; the head it gets back is
                    // dropped before the next parse, so the parser reuses its header array.
                    var parser = RequestParser(scanner: scanner)
                    guard case .complete(let head) = parser.parse(bytes), head.length == bytes.count,
                        head.headers.count == headerCount
                    else {
                        benchmark.error("the request did not parse as expected")
                        return
                    }
                    measure(benchmark, bytesPerOperation: bytes.count) {
                        for _ in benchmark.scaledIterations {
                            switch parser.parse(bytes) {
                            case .complete(let head):
                                blackHole(head.length &+ head.headers.count)
                            case .needMore, .error:
                                fatalError("the request did not parse")
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: Line scanning alone

    // The part of a parse that `ByteScanner` does: find the end of every line of the head.
    // Set beside the parser figures, it shows how much of a parse is scanning.
    for (name, request) in [("TechEmpower", techEmpowerRequest), ("browser", browserRequest)] {
        for scanner in [ByteScanner.simd, .scalar] {
            Benchmark("Scanner \(name) \(request.count) B \(scanner)") { benchmark in
                request.withUnsafeBytes { bytes in
                    let base = bytes.baseAddress!
                    let count = bytes.count
                    // Every line of the head ends at its CR, the blank line last.
                    @inline(__always) func scanLines() -> Int {
                        var lines = 0
                        var i = 0
                        while i < count {
                            i = scanner.firstControl(base, from: i, to: count) &+ 2
                            lines &+= 1
                        }
                        return lines
                    }
                    guard scanLines() == request.filter({ $0 == 13 }).count else {
                        return benchmark.error("the lines were not found as expected")
                    }
                    measure(benchmark, bytesPerOperation: count) {
                        for _ in benchmark.scaledIterations {
                            blackHole(scanLines())
                        }
                    }
                }
            }
        }
    }

    // MARK: Encoder

    Benchmark("Encoder headSize+encodeHead 200 text/plain CL 13") { benchmark in
        // The parts-as-parameters form the engine calls (`Head` is a wrapper around it).
        let date = DateCache()
        let status = HTTPStatus.ok
        let contentType: String? = "text/plain"
        let headers = HTTPFields()
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: 1024, alignment: 16)
        defer { out.deallocate() }
        @inline(__always) func encode() -> Int {
            do {
                let size = try ResponseEncoder.headSize(
                    status: status, contentType: contentType, headers: headers, framing: .contentLength(13),
                    close: false, keepAlive: false, date: date
                )
                return ResponseEncoder.encodeHead(
                    status: status, contentType: contentType, headers: headers, framing: .contentLength(13),
                    close: false, keepAlive: false, date: date, into: UnsafeMutableRawBufferPointer(rebasing: out[..<size])
                )
            } catch {
                fatalError("\(error)")
            }
        }
        let size = encode()
        guard size > 0 else { return benchmark.error("nothing encoded") }
        measure(benchmark, bytesPerOperation: size) {
            for _ in benchmark.scaledIterations {
                blackHole(encode())
            }
        }
    }

    Benchmark("Encoder engine path Response to ByteBuffer") { benchmark in
        let date = DateCache()
        // As the connection handler does: one output buffer, cleared after each write.
        var output = ByteBufferAllocator().buffer(capacity: 4096)
        let body = helloWorld
        encodeLikeTheEngine(Response(status: .ok, contentType: "text/plain", body: .string(body)), date: date, into: &output)
        let size = output.readableBytes
        guard output.readableBytes > 13 else { return benchmark.error("nothing encoded") }
        output.clear()
        measure(benchmark, bytesPerOperation: size) {
            for _ in benchmark.scaledIterations {
                // A handler returns a fresh Response for each request.
                let response = Response(status: .ok, contentType: "text/plain", body: .string(body))
                encodeLikeTheEngine(response, date: date, into: &output)
                blackHole(output.readableBytes)
                output.clear()
            }
        }
    }

    // MARK: JSON (JSONBenchmarks.swift)

    registerJSONBenchmarks()

    // MARK: Chunked decoder

    Benchmark("Chunked decode 4 KiB body in 256 B chunks") { benchmark in
        chunkedBody.withUnsafeBytes { input in
            let limits = HTTPLimits.default
            guard decodeChunked(input, limits: limits) == chunkedBodySize else {
                return benchmark.error("the body did not decode as expected")
            }
            measure(benchmark, bytesPerOperation: input.count) {
                for _ in benchmark.scaledIterations {
                    blackHole(decodeChunked(input, limits: limits))
                }
            }
        }
    }
}

/// Measures `work` (which runs `benchmark.scaledIterations` operations of
/// `bytesPerOperation` bytes each) and records its rate in ``megabytesPerSecond``.
@inline(__always)
func measure(_ benchmark: Benchmark, bytesPerOperation: Int, _ work: () -> Void) {
    let clock = ContinuousClock()
    benchmark.startMeasurement()
    let start = clock.now
    work()
    let elapsed = start.duration(to: clock.now)
    benchmark.stopMeasurement()
    let (seconds, attoseconds) = elapsed.components
    let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    if nanoseconds > 0 {
        let bytes = Double(bytesPerOperation) * Double(benchmark.scaledIterations.count)
        benchmark.measurement(megabytesPerSecond, Int((bytes / nanoseconds * 1e3).rounded()))
    }
}

/// The steps `HTTPConnectionHandler.encode` takes for a synchronous response on a
/// keep-alive HTTP/1.1 connection: body length, framing, `headSize` (which validates),
/// the head written in place into the output buffer, then the body.
@inline(__always)
func encodeLikeTheEngine(_ response: Response, date: DateCache, into output: inout ByteBuffer) {
    let allowsBody = response.status.allowsBody
    var length = 0
    if allowsBody {
        switch response.body {
        case .empty: length = 0
        case .string(let string): length = string.utf8.count
        case .bytes(let bytes): length = bytes.readableBytes
        default: fatalError("not benchmarked")
        }
    }
    let close = false
    let keepAlive = false
    let framing: ResponseFraming = allowsBody ? .contentLength(length) : .none
    let size: Int
    do {
        size = try ResponseEncoder.headSize(
            status: response.status, contentType: response.contentType, headers: response.headers,
            framing: framing, close: close, keepAlive: keepAlive, date: date
        )
    } catch {
        fatalError("\(error)")
    }
    output.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
        ResponseEncoder.encodeHead(
            status: response.status, contentType: response.contentType, headers: response.headers,
            framing: framing, close: close, keepAlive: keepAlive, date: date, into: out
        )
    }
    if allowsBody {
        switch response.body {
        case .empty: break
        case .string(let string): output.writeString(string)
        case .bytes(let bytes): output.writeImmutableBuffer(bytes)
        default: fatalError("not benchmarked")
        }
    }
}

/// Decodes a whole chunked body that is all in `input`, as the engine's `decodeChunks`
/// does (feeding the rest of the input after each step); returns the body bytes found.
@inline(__always)
func decodeChunked(_ input: UnsafeRawBufferPointer, limits: HTTPLimits) -> Int {
    var decoder = ChunkedBodyDecoder(limits: limits)
    var offset = 0
    var bodyBytes = 0
    while true {
        switch decoder.decode(UnsafeRawBufferPointer(rebasing: input[offset...])) {
        case .data(let range, let consumed):
            bodyBytes &+= range.count
            offset &+= consumed
        case .end(let consumed):
            offset &+= consumed
            return offset == input.count ? bodyBytes : -1
        case .needMore, .error:
            return -1
        }
    }
}
