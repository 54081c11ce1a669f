import NIOCore
import Synchronization

/// An invocation whose worker streams its response: the pool hands it out as soon as the stream starts, and the
/// caller relays it (``relay(_:)``) or buffers it (``collect(upTo:)``). When the stream has ended, ``finish()``
/// completes the invocation's ``Execution`` (duration, captured output, how it ended) and tells whoever waits for it.
///
/// ```swift
/// if case .streaming(let reply) = execution.outcome {
///     let final = await reply.relay { chunk in try await writer.write(chunk) }
/// }
/// ```
final class StreamedReply: Sendable {
    /// The chunks, as the worker sends them.
    let stream: ResponseStream

    private struct State {
        var finished: Execution?
        var finishing = false
        var waiters: [CheckedContinuation<Execution, Never>] = []
        var callbacks: [@Sendable (Execution) -> Void] = []
    }

    private let state = Mutex(State())
    private let started: Execution
    private let invocationID: String
    private let worker: Worker
    private let function: FunctionDefinition
    private let ran: @Sendable () -> Duration
    private let ended: @Sendable (_ ran: Duration, _ answered: Bool) -> Void

    /// The streamed reply `stream` of `worker` to the invocation `invocationID` of `function`, which has so far gone
    /// as `execution` says. `ran` tells how long the invocation has run; `ended` is told once the stream has ended,
    /// with that time and whether the worker finished its answer.
    init(
        stream: ResponseStream,
        invocationID: String,
        execution: Execution,
        worker: Worker,
        function: FunctionDefinition,
        ran: @escaping @Sendable () -> Duration,
        ended: @escaping @Sendable (_ ran: Duration, _ answered: Bool) -> Void
    ) {
        self.stream = stream
        self.invocationID = invocationID
        self.started = execution
        self.worker = worker
        self.function = function
        self.ran = ran
        self.ended = ended
    }

    /// Passes every chunk to `write` until the stream ends, and returns how the invocation ended. When `write`
    /// throws (the caller went away), the rest of the stream is drained unread, so the worker can finish.
    func relay(_ write: (ByteBuffer) async throws -> Void) async -> Execution {
        var writing = true
        while let chunk = await stream.next() {
            guard writing else { continue }
            do { try await write(chunk) } catch { writing = false }
        }
        return await finish()
    }

    /// Reads the whole response into one buffer, as the Invoke API and the queue need it, and returns how the
    /// invocation ended. A response larger than `limit` fails with `Function.ResponseSizeTooLarge`.
    func collect(upTo limit: Int) async -> Execution {
        var body = ByteBuffer()
        var bytes = 0
        _ = await relay { chunk in
            bytes += chunk.readableBytes
            if bytes <= limit { body.writeImmutableBuffer(chunk) }
        }
        var execution = await finish()
        if case .streaming = execution.outcome {
            execution.outcome =
                bytes > limit ? .failed(.functionError(.responseTooLarge(limit: limit))) : .response(body)
        }
        return execution
    }

    /// Completes the invocation once the stream has ended (or at once, when the consumer was cancelled: then the
    /// worker is stopped, as its state is unknown), and returns how it ended. Safe to call more than once.
    func finish() async -> Execution {
        let first = state.withLock { state -> Bool in
            defer { state.finishing = true }
            return !state.finishing
        }
        guard first else {
            return await withCheckedContinuation { continuation in
                let finished = state.withLock { state -> Execution? in
                    if state.finished == nil { state.waiters.append(continuation) }
                    return state.finished
                }
                if let finished { continuation.resume(returning: finished) }
            }
        }
        let execution = await complete()
        let (waiters, callbacks) = state.withLock { state in
            state.finished = execution
            defer { (state.waiters, state.callbacks) = ([], []) }
            return (state.waiters, state.callbacks)
        }
        for waiter in waiters { waiter.resume(returning: execution) }
        for callback in callbacks { callback(execution) }
        return execution
    }

    /// Calls `body` with the finished invocation: when it finishes, or at once if it has.
    func whenFinished(_ body: @escaping @Sendable (Execution) -> Void) {
        let finished = state.withLock { state -> Execution? in
            if state.finished == nil { state.callbacks.append(body) }
            return state.finished
        }
        if let finished { body(finished) }
    }

    private func complete() async -> Execution {
        var execution = started
        switch stream.ending {
        case .complete:
            execution.outcome = .streaming(self)
        case .error(let error):
            execution.outcome = .failed(.functionError(error))
        case .workerGone(let exit):
            execution.outcome = .failed(worker.failure(exit: exit, invocationID: invocationID, function: function))
        case nil:
            worker.kill(.stopped)
            execution.outcome = .failed(.crashed(.signaled(9), invocationID: invocationID))
        }
        execution.ran = ran()
        ended(execution.ran, stream.ending.map { !$0.isWorkerGone } ?? false)
        execution.maxMemoryKB = worker.peakMemoryKB()
        execution.log = await worker.output.take(invocation: invocationID)
        return execution
    }
}

extension ResponseStream.Ending {
    /// Whether the worker process ended before the stream did.
    fileprivate var isWorkerGone: Bool {
        if case .workerGone = self { return true }
        return false
    }
}
