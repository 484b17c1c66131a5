import Logging
import Tracing
import W3CTraceContext

/// A tracer that writes every finished span to a `Logger`, one line each, and propagates
/// W3C trace context (`traceparent`, `tracestate`): spans to look at while developing,
/// with curl, without a collector.
///
/// ```swift
/// InstrumentationSystem.bootstrap(LoggingTracer(logger: Logger(label: "spans")))
/// app.use(TracingMiddleware())
/// // curl -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' …
/// // info spans: GET /hello/{name} [trace_id=4bf92f35… span_id=… parent_span_id=00f067aa0ba902b7 …]
/// ```
/// For production, bootstrap an exporting tracer instead (swift-otel's, which speaks the
/// same W3C headers); ``TracingMiddleware`` works with any.
///
/// Every span is sampled and recorded. Its line carries the trace and span ids, the
/// parent's, the kind, the duration in microseconds, the status and every attribute, as
/// metadata.
public struct LoggingTracer: Tracer {
    public typealias Span = LoggingSpan

    /// Where finished spans are written.
    public let logger: Logger
    /// The level they are written at.
    public let level: Logger.Level

    /// A tracer writing to `logger` at `level`.
    public init(logger: Logger, level: Logger.Level = .info) {
        self.logger = logger
        self.level = level
    }

    /// A span in `context`'s trace (a child of its span), or the root of a new trace.
    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> ServiceContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> LoggingSpan {
        var context = context()
        let parent = context.w3cTraceContext
        let own = TraceContext(
            traceID: parent?.traceID ?? .random(),
            spanID: .random(),
            flags: parent?.flags ?? .sampled,
            state: parent?.state ?? TraceState()
        )
        context.w3cTraceContext = own
        return LoggingSpan(
            operationName: operationName, context: context, parentSpanID: parent?.spanID, kind: kind,
            start: instant().nanosecondsSinceEpoch, tracer: self)
    }

    /// Nothing is buffered: each span is logged as it ends.
    public func forceFlush() {}

    /// Reads `traceparent` (and `tracestate`) into `context`; an invalid one is ignored, as
    /// W3C Trace Context asks (the request starts a new trace).
    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let parent = extractor.extract(key: "traceparent", from: carrier) else { return }
        let state = extractor.extract(key: "tracestate", from: carrier)
        if let traceContext = try? TraceContext(traceParentHeaderValue: parent, traceStateHeaderValue: state) {
            context.w3cTraceContext = traceContext
        }
    }

    /// Writes `context`'s `traceparent` (and `tracestate`, when not empty) into `carrier`,
    /// for an outgoing request.
    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let traceContext = context.w3cTraceContext else { return }
        injector.inject(traceContext.traceParentHeaderValue, forKey: "traceparent", into: &carrier)
        if let state = traceContext.traceStateHeaderValue {
            injector.inject(state, forKey: "tracestate", into: &carrier)
        }
    }

    func write(_ span: FinishedSpan) {
        var metadata: Logger.Metadata = [
            "trace_id": "\(span.traceContext.traceID)",
            "span_id": "\(span.traceContext.spanID)",
            "kind": "\(span.kind)",
            "duration_us": "\(span.durationNanoseconds / 1_000)",
        ]
        if let parent = span.parentSpanID { metadata["parent_span_id"] = "\(parent)" }
        if let status = span.status {
            metadata["status"] = "\(status.code)\(status.message.map { ": \($0)" } ?? "")"
        }
        if !span.errors.isEmpty { metadata["errors"] = .array(span.errors.map { "\($0)" }) }
        span.attributes.forEach { name, value in metadata[name] = Self.metadataValue(value) }
        logger.log(level: level, "\(span.operationName)", metadata: metadata)
    }
}

extension LoggingTracer {
    /// An attribute as log metadata: the value itself (`200`, `GET`), not the enum's case.
    static func metadataValue(_ attribute: SpanAttribute) -> Logger.MetadataValue {
        switch attribute {
        case .int32(let value): "\(value)"
        case .int64(let value): "\(value)"
        case .double(let value): "\(value)"
        case .bool(let value): "\(value)"
        case .string(let value): .string(value)
        case .int32Array(let values): .array(values.map { "\($0)" })
        case .int64Array(let values): .array(values.map { "\($0)" })
        case .doubleArray(let values): .array(values.map { "\($0)" })
        case .boolArray(let values): .array(values.map { "\($0)" })
        case .stringArray(let values): .array(values.map { .string($0) })
        default: "\(attribute)"
        }
    }
}

extension ServiceContext {
    /// The W3C trace context of the current span, as ``LoggingTracer`` propagates it: the
    /// trace id to log beside a request's lines, or to hand to a system that takes one.
    public var w3cTraceContext: TraceContext? {
        get { self[W3CTraceContextKey.self] }
        set { self[W3CTraceContextKey.self] = newValue }
    }
}

private enum W3CTraceContextKey: ServiceContextKey {
    typealias Value = TraceContext
    static var nameOverride: String? { "w3c-trace-context" }
}
