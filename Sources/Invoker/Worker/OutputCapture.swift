import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects a worker's stdout and stderr (one pipe, so their order is kept) and cuts it into the part that belongs to
/// each invocation.
///
/// A worker runs one invocation at a time, so everything it writes before replying belongs to that invocation. When
/// the reply arrives, ``fence()`` notes how many bytes the pipe still holds; ``take()`` waits until those are read, so
/// the last lines written before the reply are never attributed to the next invocation.
final class OutputCapture: Sendable {
    /// The most bytes kept for one invocation; older output is dropped and the drop is noted.
    static let limit = 64 * 1024

    fileprivate struct State {
        var kept: [UInt8] = []
        var dropped = 0
        var received = 0
        var fenceTarget: Int?
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    private let state = Mutex(State())
    private let descriptor: CInt
    private let closedSignal = AsyncStream<Void>.makeStream()

    /// Captures the pipe whose read end is `descriptor` (owned and read by a NIO pipe channel).
    init(descriptor: CInt) {
        self.descriptor = descriptor
    }

    /// Appends output read from the pipe; called on the pipe channel's event loop.
    func append(_ buffer: ByteBuffer) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.kept.append(contentsOf: buffer.readableBytesView)
            state.received += buffer.readableBytes
            if state.kept.count > Self.limit {
                let excess = state.kept.count - Self.limit
                state.kept.removeFirst(excess)
                state.dropped += excess
            }
            return state.takeWaiterIfFenceReached()
        }
        waiter?.resume()
    }

    /// Marks the end of the current invocation's output; call on the pipe channel's event loop, where reads happen,
    /// so that no read is half done.
    func fence() {
        var pending: CInt = 0
        state.withLock { state in
            guard !state.closed else { return }
            if ioctl(descriptor, UInt(FIONREAD), &pending) != 0 { pending = 0 }
            state.fenceTarget = state.received + Int(pending)
        }
    }

    /// The pipe reached end of file: the worker (and everything it started) closed its output.
    func close() {
        let waiter = state.withLock { state in
            state.closed = true
            return state.takeWaiterIfFenceReached()
        }
        waiter?.resume()
        closedSignal.continuation.finish()
    }

    /// Waits until the pipe is closed.
    func waitUntilClosed() async {
        for await _ in closedSignal.stream {}
    }

    /// Returns the output since the last call (after the fence is reached, if one is set) and starts anew.
    func take() async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.fenceReached { return true }
                state.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
        return state.withLock { state in
            var text = String(decoding: state.kept, as: UTF8.self)
            if state.dropped > 0 { text = "[\(state.dropped) earlier bytes dropped]\n" + text }
            state.kept.removeAll(keepingCapacity: true)
            state.dropped = 0
            state.fenceTarget = nil
            return text
        }
    }
}

extension OutputCapture.State {
    fileprivate var fenceReached: Bool {
        closed || fenceTarget.map { received >= $0 } ?? true
    }

    fileprivate mutating func takeWaiterIfFenceReached() -> CheckedContinuation<Void, Never>? {
        guard fenceReached, let waiter else { return nil }
        self.waiter = nil
        return waiter
    }
}
