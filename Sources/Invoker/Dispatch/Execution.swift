import NIOCore
import Runtime

/// What happened to one invocation in a worker pool: how it ended and the figures its record needs.
struct Execution: Sendable {
    /// How an invocation ended.
    enum Outcome: Sendable {
        /// The function returned these bytes.
        case response(ByteBuffer)
        /// An HTTP handler on the native transport returned this response to an HTTP event, in binary form.
        case httpResponse(FunctionURLResponse)
        /// The worker streams its response: the caller relays or collects it. Once the stream has ended, the reply
        /// says how the invocation ended: still `streaming` when the whole response went through.
        case streaming(StreamedReply)
        /// The invocation failed or never ran; the failure says how, once for every caller.
        case failed(InvocationFailure)
    }

    /// How the invocation ended.
    var outcome: Outcome
    /// How long it waited for a worker.
    var waited: Duration = .zero
    /// How long the worker ran it (zero when it never ran).
    var ran: Duration = .zero
    /// Whether it waited for a new worker to start.
    var cold = false
    /// How long that new worker took to initialise, for a cold invocation.
    var initDuration: Duration?
    /// The worker's process id.
    var workerPID: Int32?
    /// The worker's peak resident memory so far, in KiB.
    var maxMemoryKB: Int?
    /// The worker's output during the invocation.
    var log: String?
    /// The generation of the function that ran it (or turned it away): see ``Generation``.
    var generation: String?
}

extension Execution.Outcome {
    /// The failure, or nil when the function answered.
    var failure: InvocationFailure? {
        if case .failed(let failure) = self { return failure }
        return nil
    }

    /// The response's bytes as JSON, for callers that take a whole response (the Invoke API, queues, callbacks); nil
    /// for a failure or a stream.
    var responseJSON: ByteBuffer? {
        switch self {
        case .response(let body): return body
        case .httpResponse(let response): return response.json
        case .streaming, .failed: return nil
        }
    }

    /// How many bytes the worker answered with (its error document for a function error).
    var responseBytes: Int {
        switch self {
        case .response(let body): return body.readableBytes
        case .httpResponse(let response): return response.body?.utf8.count ?? 0
        case .streaming(let reply): return reply.stream.totalBytes
        case .failed(let failure): return failure.responseBytes
        }
    }
}
