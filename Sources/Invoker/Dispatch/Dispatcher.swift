import Foundation
import Logging
import NIOCore
import Runtime

/// Runs invocations on the functions' worker pools and records every one of them in the invocation log (unless
/// recording is turned off).
///
/// ```swift
/// let result = try await dispatcher.invoke(InvocationRequest(function: "hello", event: .http(event), trigger: .http))
/// let response = Response(result.execution, invocationID: result.id)
/// result.finish(httpStatus: response.status.code)
/// ```
struct Dispatcher: Sendable {
    /// The functions served now, each on the pool of its current generation.
    let catalog: FunctionCatalog
    /// Where records go.
    let log: InvocationLog
    /// Where every invocation is counted.
    let metrics: InvokerMetrics
    /// The dashboard's time series and newest invocations, fed by every invocation.
    let activity: LiveActivity
    /// The invoker's own log: one debug line per invocation.
    let logger: Logger
    /// This invoker's name, stamped on every record.
    let node: NodeIdentity
    /// Whether records go to ``log``; metrics and the debug line are kept either way.
    var recordsInvocations = true
    /// Makes the invocation ids: time-ordered, so the log's newest-first order is its key order.
    let ids = UUIDv7Generator()

    /// The pool of the function named `name` now, or a not-found error naming it.
    func pool(named name: String) throws(InvokerError) -> WorkerPool {
        try catalog.pool(named: name)
    }

    /// Runs `request` on its function's pool. An invocation whose caller answers HTTP is recorded when the caller
    /// finishes the result with the status it sent; any other is recorded as soon as it ends.
    ///
    /// A response the worker streams is read whole (up to 6 MB) before it is returned, unless the request relays
    /// streams: then the result's outcome is `.streaming`, for the caller to relay, and the record is written when
    /// the stream ends.
    func invoke(_ request: InvocationRequest) async throws(InvokerError) -> InvocationResult {
        let pool = try pool(named: request.function)
        let id = request.id ?? ids.next()
        let startedAt = Date()
        let invocation = Invocation(
            id: id,
            payload: request.event.payload,
            deadlineEpochMs: 0,
            functionARN: WorkerLaunch.arn(of: request.function),
            traceID: Self.traceID(),
            clientContext: request.clientContext,
            cognitoIdentity: request.cognitoIdentity,
            http: request.event.http
        )
        var execution = await pool.invoke(invocation, timeout: pool.function.timeout)
        if case .streaming(let reply) = execution.outcome, !request.relaysStreams {
            execution = await reply.collect(upTo: Invocation.maxPayloadBytes)
        }
        let record = { @Sendable (execution: Execution, httpStatus: Int?) in
            self.record(
                InvocationRecord(
                    id: id,
                    request: request,
                    startedAt: startedAt,
                    endedAt: Date(),
                    execution: execution,
                    httpStatus: httpStatus
                )
            )
        }
        let result = InvocationResult(id: id, execution: execution, record: record)
        if !request.answersHTTP { result.finish(httpStatus: nil) }
        return result
    }

    /// Stamps `record` with the node's name, writes it (unless recording is off), counts it and logs it at debug
    /// level.
    func record(_ record: InvocationRecord) {
        if recordsInvocations {
            var record = record
            record.node = node.name
            log.append(record)
        }
        metrics.record(record)
        activity.record(record)
        logger.debug(
            "Invocation ended",
            metadata: [
                LogKey.invocation: "\(record.id)", LogKey.function: "\(record.function)",
                LogKey.invocationStatus: "\(record.status)", LogKey.invocationTrigger: "\(record.trigger)",
                LogKey.invocationDuration: "\(record.durationMs)",
            ]
        )
    }

    /// A new X-Ray style trace header: `Root=1-<epoch seconds hex>-<96 random bits hex>;Sampled=0`.
    static func traceID() -> String {
        let seconds = String(UInt32(truncatingIfNeeded: EpochTime.nowMs() / 1000), radix: 16)
        let random = (0..<3).map { _ in
            let word = String(UInt32.random(in: .min ... .max), radix: 16)
            return String(repeating: "0", count: 8 - word.count) + word
        }
        return "Root=1-\(String(repeating: "0", count: 8 - seconds.count))\(seconds)-\(random.joined());Sampled=0"
    }
}

extension InvocationRequest.Event {
    /// The event's bytes when it is not an HTTP event (empty for one).
    fileprivate var payload: ByteBuffer {
        if case .payload(let payload) = self { return payload }
        return ByteBuffer()
    }

    /// The typed HTTP event, if it is one.
    fileprivate var http: FunctionURLRequest? {
        if case .http(let request) = self { return request }
        return nil
    }
}
