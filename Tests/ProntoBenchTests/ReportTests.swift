import Foundation
@testable import ProntoBench
import Testing

@Suite struct ReportTests {
    static func sampleReport(rate: Double?) throws -> LoadReport {
        var c = LoadConfiguration(url: try TargetURL(parsing: "http://127.0.0.1:8080/plaintext"))
        c.connections = 100
        c.pipeline = 16
        c.rate = rate
        var recorder = LatencyRecorder(separateUncorrected: rate != nil)
        // 1000 answers: 1..1000 µs after their scheduled time, sent 0..999 ns... 1 µs after it.
        for i in 1...1000 {
            let scheduled: UInt64 = 1_000_000_000
            recorder.record(scheduled: scheduled, sent: scheduled + UInt64(i - 1) * 1000, answered: scheduled + UInt64(i) * 1000)
        }
        var errors = ErrorCounts()
        errors.status5xx = 3
        errors.connect = 1
        return LoadReport(configuration: c, durationSeconds: 2, responses: 1000, bytesRead: 2_097_152,
                          errors: errors, recorder: recorder)
    }

    @Test func computesRatesAndPercentiles() throws {
        let report = try Self.sampleReport(rate: nil)
        #expect(report.requestsPerSecond == 500)
        #expect(report.bytesPerSecond == 1_048_576)
        #expect(report.latency.count == 1000)
        #expect(report.latency.p50 == 500)
        #expect(report.latency.p90 == 900)
        #expect(report.latency.p99 == 990)
        #expect(report.latency.max == 1000)
        #expect(report.uncorrectedLatency == nil)
        #expect(report.errors.total == 4)
    }

    @Test func jsonHasEveryFigure() throws {
        let report = try Self.sampleReport(rate: 5000)
        let json = try report.json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["url"] as? String == "http://127.0.0.1:8080/plaintext")
        #expect(object["requests"] as? Int == 1000)
        #expect(object["requestsPerSecond"] as? Double == 500)
        #expect(object["pipeline"] as? Int == 16)
        #expect(object["rate"] as? Double == 5000)
        let latency = try #require(object["latency"] as? [String: Any])
        for key in ["p50", "p90", "p99", "p999", "p9999", "max", "mean", "count"] {
            #expect(latency[key] != nil, "latency.\(key)")
        }
        let uncorrected = try #require(object["uncorrectedLatency"] as? [String: Any])
        #expect(uncorrected["max"] as? Int == 1)
        let errors = try #require(object["errors"] as? [String: Int])
        #expect(errors == ["connect": 1, "read": 0, "write": 0, "timeout": 0, "status4xx": 0, "status5xx": 3, "malformed": 0])
        // And it reads back.
        let decoded = try JSONDecoder().decode(LoadReport.self, from: Data(json.utf8))
        #expect(decoded.latency == report.latency)
        #expect(decoded.errors == report.errors)
    }

    @Test func textShowsRatesPercentilesAndErrors() throws {
        let text = try Self.sampleReport(rate: nil).text()
        #expect(text.contains("http://127.0.0.1:8080/plaintext"))
        #expect(text.contains("100 connections, pipeline 16"))
        #expect(text.contains("500.00"))
        #expect(text.contains("1.00 MiB"))
        for label in ["50%", "90%", "99%", "99.9%", "99.99%", "max"] { #expect(text.contains(label)) }
        #expect(text.contains("990µs"))
        #expect(text.contains("Errors      4: connect 1, read 0, write 0, timeout 0, status4xx 0, status5xx 3, malformed 0"))
        let rated = try Self.sampleReport(rate: 5000).text()
        #expect(rated.contains("Latency, corrected"))
        #expect(rated.contains("Latency, uncorrected"))
        #expect(rated.contains("fixed rate 5,000 req/s"))
    }

    @Test func formats() {
        #expect(Format.grouped(1_234_567) == "1,234,567")
        #expect(Format.grouped(12) == "12")
        #expect(Format.groupedDecimal(1234.5) == "1,234.50")
        #expect(Format.groupedDecimal(999.999) == "1,000.00")
        #expect(Format.micros(999) == "999µs")
        #expect(Format.micros(1500) == "1.50ms")
        #expect(Format.micros(2_500_000) == "2.50s")
        #expect(Format.bytes(512) == "512 B")
        #expect(Format.bytes(1536) == "1.50 KiB")
    }
}

@Suite struct ConfigurationTests {
    @Test func parsesURLs() throws {
        let a = try TargetURL(parsing: "http://127.0.0.1:8080/plaintext?x=1")
        #expect(a.host == "127.0.0.1" && a.port == 8080 && a.path == "/plaintext?x=1")
        #expect(a.hostHeader == "127.0.0.1:8080")
        let b = try TargetURL(parsing: "http://localhost")
        #expect(b.port == 80 && b.path == "/" && b.hostHeader == "localhost")
        let c = try TargetURL(parsing: "http://[::1]:9000/a")
        #expect(c.host == "::1" && c.port == 9000 && c.hostHeader == "[::1]:9000")
        #expect(throws: BenchError.unsupportedScheme("https")) { try TargetURL(parsing: "https://x/") }
        #expect(throws: BenchError.self) { try TargetURL(parsing: "127.0.0.1:80") }
        #expect(throws: BenchError.self) { try TargetURL(parsing: "http://host:99999/") }
    }

    @Test func encodesRequestsLikeWrk() throws {
        var c = LoadConfiguration(url: try TargetURL(parsing: "http://127.0.0.1:8080/plaintext"))
        #expect(String(decoding: RequestEncoder(configuration: c).encode(), as: UTF8.self)
            == "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n")
        c.method = "POST"
        c.headers = ["Content-Type: text/plain"]
        c.body = Array("hi".utf8)
        c.checkSequence = true
        let encoder = RequestEncoder(configuration: c)
        #expect(String(decoding: encoder.encode(sequence: 7), as: UTF8.self)
            == "POST /plaintext HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nX-Pronto-Seq: 000007\r\n\r\nhi")
        let window = encoder.window(count: 3)
        #expect(window.window.readableBytes == 3 * window.requestLength)
        #expect(window.slice(first: 2, n: 1).getString(at: 0, length: window.requestLength)!.contains("000002"))
    }

    @Test func rejectsBadOptions() throws {
        var c = LoadConfiguration(url: try TargetURL(parsing: "http://127.0.0.1:1/"))
        try c.validate()
        c.pipeline = 0
        #expect(throws: BenchError.self) { try c.validate() }
        c.pipeline = 1
        c.headers = ["NoColon"]
        #expect(throws: BenchError.self) { try c.validate() }
        c.headers = []
        c.duration = nil
        #expect(throws: BenchError.self) { try c.validate() }
    }

    @Test func rateScheduleSpreadsConnections() {
        let s0 = RateSchedule(start: 1000, totalRate: 1000, connections: 4, connectionIndex: 0)
        let s1 = RateSchedule(start: 1000, totalRate: 1000, connections: 4, connectionIndex: 1)
        #expect(s0.dueTime(0) == 1000)
        #expect(s0.dueTime(1) == 1000 + 4_000_000)
        #expect(s1.dueTime(0) == 1000 + 1_000_000)
        #expect(s1.dueTime(10) == 1000 + 1_000_000 + 40_000_000)
    }
}
