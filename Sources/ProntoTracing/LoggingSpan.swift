import NIOConcurrencyHelpers
import Tracing
import W3CTraceContext

/// A span of ``LoggingTracer``: it collects what the code records, and hands it to the
/// tracer's logger when it ends (once; a span changes nothing after its end).
public final class LoggingSpan: Span {
    /// The context the span runs in, its own W3C trace context included.
    public let context: ServiceContext
    /// The kind given at start (`.server` for ``TracingMiddleware``'s).
    public let kind: SpanKind
    /// The parent's span id, nil for the root of a trace.
    public let parentSpanID: SpanID?
    private let start: UInt64
    private let tracer: LoggingTracer
    private let state: NIOLockedValueBox<State>

    struct State {
        var operationName: String
        var attributes: SpanAttributes = [:]
        var status: SpanStatus?
        var events: [SpanEvent] = []
        var links: [SpanLink] = []
        var errors: [String] = []
        var isRecording = true
    }

    init(operationName: String, context: ServiceContext, parentSpanID: SpanID?, kind: SpanKind, start: UInt64, tracer: LoggingTracer) {
        self.context = context
        self.kind = kind
        self.parentSpanID = parentSpanID
        self.start = start
        self.tracer = tracer
        self.state = NIOLockedValueBox(State(operationName: operationName))
    }

    /// This span's W3C ids (trace, span, flags).
    public var traceContext: TraceContext {
        // Set by the tracer before the span exists.
        context.w3cTraceContext!
    }

    /// True until ``end(at:)``.
    public var isRecording: Bool { state.withLockedValue { $0.isRecording } }

    /// The span's name; may be changed until it ends.
    public var operationName: String {
        get { state.withLockedValue { $0.operationName } }
        set { state.withLockedValue { if $0.isRecording { $0.operationName = newValue } } }
    }

    /// The attributes recorded so far.
    public var attributes: SpanAttributes {
        get { state.withLockedValue { $0.attributes } }
        set { state.withLockedValue { if $0.isRecording { $0.attributes = newValue } } }
    }

    /// Sets the status written at the end.
    public func setStatus(_ status: SpanStatus) {
        state.withLockedValue { if $0.isRecording { $0.status = status } }
    }

    /// Keeps `event` (written as part of the line's count of events).
    public func addEvent(_ event: SpanEvent) {
        state.withLockedValue { if $0.isRecording { $0.events.append(event) } }
    }

    /// Keeps `link`.
    public func addLink(_ link: SpanLink) {
        state.withLockedValue { if $0.isRecording { $0.links.append(link) } }
    }

    /// Records `error`, written in the line's `errors`.
    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        let text = String(describing: error)
        state.withLockedValue { if $0.isRecording { $0.errors.append(text) } }
    }

    /// Ends the span and logs it; later calls do nothing.
    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let end = instant().nanosecondsSinceEpoch
        let finished: State? = state.withLockedValue { state in
            guard state.isRecording else { return nil }
            state.isRecording = false
            return state
        }
        guard let finished else { return }
        tracer.write(FinishedSpan(
            operationName: finished.operationName, traceContext: traceContext, parentSpanID: parentSpanID, kind: kind,
            durationNanoseconds: end >= start ? end - start : 0, attributes: finished.attributes, status: finished.status,
            errors: finished.errors))
    }
}

/// What ``LoggingTracer`` writes of an ended span.
struct FinishedSpan {
    var operationName: String
    var traceContext: TraceContext
    var parentSpanID: SpanID?
    var kind: SpanKind
    var durationNanoseconds: UInt64
    var attributes: SpanAttributes
    var status: SpanStatus?
    var errors: [String]
}
