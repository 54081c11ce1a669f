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
/// A worker that runs one invocation at a time (``Attribution/sequential``): everything it writes before replying
/// belongs to that invocation. A worker that runs several at once (``Attribution/byRequestID(_:)``): a line belongs
/// to the invocation whose request id it carries (our `Runtime`'s `context.logger` puts it in every line, Lambda's
/// JSON log format has `requestId`, and its text format a column of it); a line that carries none belongs to the
/// worker and is passed on as such. When a reply arrives, ``fence()`` notes how many bytes the pipe still holds;
/// ``take(invocation:)`` waits until those are read, so the last lines written before the reply are never lost to the
/// next invocation.
final class OutputCapture: Sendable {
    /// The most bytes kept for one invocation; older output is dropped and the drop is noted.
    static let limit = 64 * 1024

    /// How output is attributed to invocations.
    enum Attribution: Sendable {
        /// One invocation at a time: all output since the last reply is the invocation's.
        case sequential
        /// Several at once: each line goes to the invocation whose request id it carries; `workerLine` gets the
        /// others.
        case byRequestID(workerLine: @Sendable (String) -> Void)
    }

    fileprivate struct State {
        /// The output kept for the invocation running (sequential), or for each running invocation by request id.
        var kept: [String: KeptOutput] = [:]
        /// A line not yet ended by a newline (by request id only).
        var partialLine: [UInt8] = []
        var received = 0
        var fenceTarget = 0
        var waiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var closed = false
    }

    /// The key of the sequential mode's one invocation.
    private static let current = ""

    private let state = Mutex(State())
    private let descriptor: CInt
    private let attribution: Attribution
    private let closedSignal = AsyncStream<Void>.makeStream()

    /// Captures the pipe whose read end is `descriptor` (owned and read by a NIO pipe channel).
    init(descriptor: CInt, attribution: Attribution = .sequential) {
        self.descriptor = descriptor
        self.attribution = attribution
    }

    /// Starts keeping the output of invocation `id`, which the worker is about to run.
    func begin(invocation id: String) {
        guard case .byRequestID = attribution else { return }
        state.withLock { $0.kept[id] = $0.kept[id] ?? KeptOutput() }
    }

    /// Appends output read from the pipe; called on the pipe channel's event loop.
    func append(_ buffer: ByteBuffer) {
        var workerLines: [String] = []
        let ready = state.withLock { state in
            switch attribution {
            case .sequential:
                state.kept[Self.current, default: KeptOutput()].append(buffer.readableBytesView)
            case .byRequestID:
                workerLines = state.attributeLines(buffer.readableBytesView)
            }
            state.received += buffer.readableBytes
            return state.takeWaitersReached()
        }
        if case .byRequestID(let workerLine) = attribution {
            for line in workerLines { workerLine(line) }
        }
        for waiter in ready { waiter.resume() }
    }

    /// Marks the end of an invocation's output; call on the pipe channel's event loop, where reads happen, so that no
    /// read is half done.
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
        let ready = state.withLock { state in
            state.closed = true
            return state.takeWaitersReached()
        }
        for waiter in ready { waiter.resume() }
        closedSignal.continuation.finish()
    }

    /// Waits until the pipe is closed.
    func waitUntilClosed() async {
        for await _ in closedSignal.stream {}
    }

    /// Returns the output of invocation `id` (all output since the last call, for a sequential worker), once the
    /// pipe has been read up to the last fence, and forgets it.
    func take(invocation id: String) async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.closed || state.received >= state.fenceTarget { return true }
                state.waiters.append((state.fenceTarget, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
        let key: String
        if case .sequential = attribution { key = Self.current } else { key = id }
        return state.withLock { $0.kept.removeValue(forKey: key) }?.text ?? ""
    }
}

/// The output kept for one invocation: its last ``OutputCapture/limit`` bytes and how many were dropped before them.
private struct KeptOutput {
    var bytes: [UInt8] = []
    var dropped = 0

    mutating func append(_ output: some Collection<UInt8>) {
        bytes.append(contentsOf: output)
        if bytes.count > OutputCapture.limit {
            let excess = bytes.count - OutputCapture.limit
            bytes.removeFirst(excess)
            dropped += excess
        }
    }

    /// The output as text, with the drop noted first.
    var text: String {
        let text = String(decoding: bytes, as: UTF8.self)
        return dropped > 0 ? "[\(dropped) earlier bytes dropped]\n" + text : text
    }
}

extension OutputCapture.State {
    fileprivate mutating func takeWaitersReached() -> [CheckedContinuation<Void, Never>] {
        guard !waiters.isEmpty else { return [] }
        let reached = waiters.filter { closed || received >= $0.target }
        waiters.removeAll { closed || received >= $0.target }
        return reached.map(\.continuation)
    }

    /// Adds `output` to the lines of the invocations whose request ids they carry; returns the complete lines that
    /// carry none.
    fileprivate mutating func attributeLines(_ output: some Collection<UInt8>) -> [String] {
        var workerLines: [String] = []
        partialLine.append(contentsOf: output)
        var start = partialLine.startIndex
        while let newline = partialLine[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = partialLine[start...newline]
            if let id = RequestIDScanner.firstID(in: line, among: kept) {
                kept[id]!.append(line)
            } else {
                workerLines.append(String(decoding: line.dropLast(), as: UTF8.self))
            }
            start = newline + 1
        }
        partialLine.removeSubrange(..<start)
        if partialLine.count > OutputCapture.limit {
            // A line without end: what is kept of it goes to the worker.
            workerLines.append(String(decoding: partialLine, as: UTF8.self))
            partialLine.removeAll()
        }
        return workerLines
    }
}
