import Foundation
import Logging
import NIOCore
import Runtime

/// Runs invocations on the functions' worker pools and records every one of them in the invocation log (unless
/// recording is turned off).
///
/// ```swift
/// let response = await dispatcher.invoke(pool, payload: event, trigger: .http) { id, execution in
///     let response = Response(execution)
///     return (response, response.status.code)
/// }
/// ```
struct Dispatcher: Sendable {
    /// The pools, by function name.
    let pools: [String: WorkerPool]
    /// Where records go.
    let log: InvocationLog
    /// Where every invocation is counted.
    let metrics: InvokerMetrics
    /// The invoker's own log: one debug line per invocation.
    let logger: Logger
    /// Whether records go to ``log``; metrics and the debug line are kept either way.
    var recordsInvocations = true
    /// Makes the invocation ids: time-ordered, so the log's newest-first order is its key order.
    let ids = UUIDv7Generator()

    /// The pool of the function named `name`, or a not-found error naming it.
    func pool(named name: String) throws -> WorkerPool {
        guard let pool = pools[name] else {
            throw InvokerError(.functionNotFound, "no function named \"\(name)\"")
        }
        return pool
    }

    /// Runs one invocation of `pool`'s function and records it. `respond` turns the outcome into what the caller
    /// receives and reports the HTTP status the caller got (nil for callers that are not HTTP requests). Queue
    /// invocations name the (first) message they deliver and its delivery attempt, for the record.
    ///
    /// A response the worker streams is read whole (up to 6 MB) before `respond` sees it, unless `relayStreams` is
    /// true: then `respond` gets it as `.streaming` to relay, and the record is written when the stream ends.
    func invoke<Response>(
        _ pool: WorkerPool,
        id: String? = nil,
        payload: ByteBuffer,
        http: FunctionURLRequest? = nil,
        trigger: InvocationRecord.Trigger,
        clientContext: String? = nil,
        cognitoIdentity: String? = nil,
        queueMessageID: String? = nil,
        attempt: Int? = nil,
        relayStreams: Bool = false,
        respond: (_ id: String, _ execution: Execution) async -> (response: Response, httpStatus: Int?)
    ) async -> Response {
        let id = id ?? ids.next()
        let startedAt = Date()
        let invocation = Invocation(
            id: id,
            payload: payload,
            deadlineEpochMs: 0,
            functionARN: WorkerLaunch.arn(of: pool.function.name),
            traceID: Self.traceID(),
            clientContext: clientContext,
            cognitoIdentity: cognitoIdentity,
            http: http
        )
        var execution = await pool.invoke(invocation, timeout: pool.function.timeout)
        if case .streaming(let reply) = execution.outcome, !relayStreams {
            execution = await reply.collect(upTo: Invocation.maxPayloadBytes)
        }
        let (response, httpStatus) = await respond(id, execution)
        let record = { @Sendable (execution: Execution) in
            var record = InvocationRecord(
                id: id,
                function: pool.function.name,
                trigger: trigger,
                startedAt: startedAt,
                endedAt: Date(),
                execution: execution,
                timeout: pool.function.timeout,
                requestBytes: http.map { $0.body?.utf8.count ?? 0 } ?? payload.readableBytes,
                httpStatus: httpStatus
            )
            record.queueMessageId = queueMessageID
            record.attempt = attempt
            if recordsInvocations {
                log.append(record)
            }
            metrics.record(record)
            logger.debug(
                "invocation",
                metadata: [
                    LogKey.invocation: "\(id)", LogKey.function: "\(record.function)",
                    "invocation.status": "\(record.status)", "invocation.trigger": "\(trigger)",
                    "invocation.duration_ms": "\(record.durationMs)",
                ]
            )
        }
        if case .streaming(let reply) = execution.outcome {
            reply.whenFinished(record)
        } else {
            record(execution)
        }
        return response
    }

    /// A new X-Ray style trace header: `Root=1-<epoch seconds hex>-<96 random bits hex>;Sampled=0`.
    static func traceID() -> String {
        let seconds = String(UInt32(truncatingIfNeeded: CLFTime.nowEpochMs() / 1000), radix: 16)
        let random = (0..<3).map { _ in
            let word = String(UInt32.random(in: .min ... .max), radix: 16)
            return String(repeating: "0", count: 8 - word.count) + word
        }
        return "Root=1-\(String(repeating: "0", count: 8 - seconds.count))\(seconds)-\(random.joined());Sampled=0"
    }
}
