import NIOCore
import Synchronization

/// A response a worker streams, to the Runtime API (`Lambda-Runtime-Function-Response-Mode: streaming`) or in the
/// native transport's stream frames: the body chunks as they arrive, then how the stream ended. One producer (the
/// worker's connection, on its event loop) and one consumer (whoever relays the response to the caller).
///
/// The stream applies back-pressure: once ``highWatermark`` bytes wait unread, ``append(_:)`` tells the producer to
/// stop reading from the worker, and `resumeReading` is called when the consumer has drained it to ``lowWatermark``.
final class ResponseStream: Sendable {
    /// Buffered bytes at which the worker's connection stops being read.
    static let highWatermark = 256 * 1024
    /// Buffered bytes at which reading resumes.
    static let lowWatermark = 64 * 1024

    /// How a stream ended.
    enum Ending: Sendable {
        /// The worker finished the response.
        case complete
        /// The worker reported an error in the trailers (`Lambda-Runtime-Function-Error-Type` and `-Body`) or a
        /// native stream error frame, or stopped sending before the end.
        case error(WorkerError)
        /// The worker process ended before finishing the response.
        case workerGone(WorkerExit)
    }

    /// The content type the worker declared for the response.
    let contentType: String?

    private struct State {
        var chunks = CircularBuffer<ByteBuffer>()
        var buffered = 0
        var total = 0
        var paused = false
        var ending: Ending?
        var waiter: CheckedContinuation<ByteBuffer?, Never>?
    }

    private let state = Mutex(State())
    private let resumeReading: @Sendable () -> Void

    /// A stream of a response with `contentType`; `resumeReading` restarts reading after ``append(_:)`` paused it.
    init(contentType: String?, resumeReading: @escaping @Sendable () -> Void) {
        self.contentType = contentType
        self.resumeReading = resumeReading
    }

    // MARK: Producer

    /// Adds a chunk; returns false when the producer should stop reading until `resumeReading` is called.
    func append(_ chunk: ByteBuffer) -> Bool {
        guard chunk.readableBytes > 0 else { return true }
        let (waiter, keepReading) = state.withLock { state -> (CheckedContinuation<ByteBuffer?, Never>?, Bool) in
            guard state.ending == nil else { return (nil, true) }
            state.total += chunk.readableBytes
            if let waiter = state.waiter {
                state.waiter = nil
                return (waiter, true)
            }
            state.chunks.append(chunk)
            state.buffered += chunk.readableBytes
            if state.buffered >= Self.highWatermark { state.paused = true }
            return (nil, !state.paused)
        }
        waiter?.resume(returning: chunk)
        return keepReading
    }

    /// Ends the stream; later chunks and endings are ignored.
    func end(_ ending: Ending) {
        let waiter = state.withLock { state -> CheckedContinuation<ByteBuffer?, Never>? in
            guard state.ending == nil else { return nil }
            state.ending = ending
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    // MARK: Consumer

    /// The next chunk, or nil once the stream has ended (then ``ending`` says how). A cancelled consumer gets nil
    /// while the stream has not ended.
    func next() async -> ByteBuffer? {
        enum Step {
            case chunk(ByteBuffer, resume: Bool)
            case ended
            case wait
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ByteBuffer?, Never>) in
                let step = state.withLock { state -> Step in
                    if let chunk = state.chunks.popFirst() {
                        state.buffered -= chunk.readableBytes
                        let resume = state.paused && state.buffered <= Self.lowWatermark
                        if resume { state.paused = false }
                        return .chunk(chunk, resume: resume)
                    }
                    if state.ending != nil || Task.isCancelled { return .ended }
                    state.waiter = continuation
                    return .wait
                }
                switch step {
                case .chunk(let chunk, let resume):
                    if resume { resumeReading() }
                    continuation.resume(returning: chunk)
                case .ended:
                    continuation.resume(returning: nil)
                case .wait:
                    break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// How the stream ended; nil while it goes on.
    var ending: Ending? { state.withLock { $0.ending } }

    /// The bytes the worker has streamed so far.
    var totalBytes: Int { state.withLock { $0.total } }
}
