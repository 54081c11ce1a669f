import NIOCore

/// The invocations a worker connection carries, whichever the transport: each is queued until the worker asks for
/// work, then in flight until the worker replies, the timeout passes, or the worker exits. A worker asks for as many
/// invocations at once as its function's `concurrency` (one native `ready` per slot, or one parked
/// `GET …/invocation/next` each); `Ask` is what the connection answers an ask through. A connection keeps one handoff
/// under its lock; every method returns what the connection must then do outside the lock.
struct InvocationHandoff<Ask> {
    /// Where the invocation's caller waits for the reply.
    typealias Reply = CheckedContinuation<WorkerReply, any Error>

    /// How many invocations the worker runs at once.
    let capacity: Int
    private var asks = CircularBuffer<Ask>()
    private var queued = CircularBuffer<(invocation: Invocation, timeout: TimeAmount, reply: Reply)>()
    /// The invocations the worker has, in the order they were delivered: awaiting their reply, or streaming it
    /// (their caller already has the stream).
    private var inFlight: [(id: String, reply: Reply?, timer: Scheduled<Void>?)] = []
    /// How the worker process ended, once it has.
    private(set) var exit: WorkerExit?

    /// A handoff for a worker that runs `capacity` invocations at once.
    init(capacity: Int = 1) {
        self.capacity = capacity
    }

    /// What to do with an invocation handed to the connection.
    enum Handed {
        /// Send it to the worker now through this ask; it is in flight.
        case deliver(Ask)
        /// Keep it until the worker asks for work.
        case queued
        /// The worker has exited.
        case gone(WorkerExit)
    }

    /// What an ask for work asks the connection to do.
    struct Asked {
        /// The invocation the worker gave up on: it asked for more work than its slots hold without answering it.
        var abandoned: Reply?
        /// The invocation whose streamed response the worker gave up on, the same way.
        var truncatedStream: String?
        /// The queued invocation to send now, through this ask, if there is one.
        var delivered: (invocation: Invocation, timeout: TimeAmount)?
        /// Whether the ask waits for work in a slot that did not: the pool has one more free slot.
        var freedSlot = false
    }

    /// An invocation arrives: it goes through the oldest ask, or waits for one.
    mutating func hand(_ invocation: Invocation, timeout: TimeAmount, reply: Reply) -> Handed {
        if let exit { return .gone(exit) }
        guard let ask = asks.popFirst() else {
            queued.append((invocation, timeout, reply))
            return .queued
        }
        inFlight.append((invocation.id, reply, nil))
        return .deliver(ask)
    }

    /// The worker asks for work through `ask`: the queued invocation it gets at once, if there is one, else the ask
    /// waits for the next invocation. An ask beyond the worker's slots gives up its oldest invocation in flight, or,
    /// with none in flight, replaces its oldest waiting ask (which is never answered).
    mutating func workerAsks(_ ask: Ask) -> Asked {
        var asked = Asked()
        var slotWasFree = false
        if inFlight.count + asks.count >= capacity {
            if let oldest = inFlight.first {
                if oldest.reply == nil {
                    asked.truncatedStream = oldest.id
                    inFlight.removeFirst()
                } else {
                    asked.abandoned = finish(oldest.id)
                }
            } else if !asks.isEmpty {
                asks.removeFirst()
                slotWasFree = true
            }
        }
        if let (invocation, timeout, reply) = queued.popFirst() {
            inFlight.append((invocation.id, reply, nil))
            asked.delivered = (invocation, timeout)
        } else {
            asks.append(ask)
            asked.freedSlot = !slotWasFree
        }
        return asked
    }

    /// Withdraws the waiting asks that `matches` picks (their connection closed).
    mutating func withdrawAsks(where matches: (Ask) -> Bool) {
        asks.removeAll(where: matches)
    }

    /// Starts timing invocation `id` once it was sent; false when it is no longer in flight.
    mutating func timing(_ id: String, with timer: Scheduled<Void>) -> Bool {
        guard let index = inFlight.firstIndex(where: { $0.id == id }) else { return false }
        inFlight[index].timer = timer
        return true
    }

    /// Whether invocation `id` is in flight: delivered to the worker, not yet answered.
    func isInFlight(_ id: String) -> Bool {
        inFlight.contains { $0.id == id }
    }

    /// Invocation `id` starts streaming its response: its caller, to resume with the stream; the invocation keeps
    /// its slot until ``endStream(_:)``. Nil when `id` is not awaiting its reply.
    mutating func beginStream(_ id: String) -> Reply? {
        guard let index = inFlight.firstIndex(where: { $0.id == id && $0.reply != nil }) else { return nil }
        defer { inFlight[index].reply = nil }
        inFlight[index].timer?.cancel()
        inFlight[index].timer = nil
        return inFlight[index].reply
    }

    /// Invocation `id`'s streamed response ended; false when it was no longer streaming.
    mutating func endStream(_ id: String) -> Bool {
        guard let index = inFlight.firstIndex(where: { $0.id == id && $0.reply == nil }) else { return false }
        inFlight.remove(at: index)
        return true
    }

    /// Ends invocation `id` (answered, timed out or cancelled), queued or awaiting its reply: its caller, to resume.
    mutating func finish(_ id: String) -> Reply? {
        if let index = inFlight.firstIndex(where: { $0.id == id && $0.reply != nil }) {
            let ended = inFlight.remove(at: index)
            ended.timer?.cancel()
            return ended.reply
        }
        if let index = queued.firstIndex(where: { $0.invocation.id == id }) {
            return queued.remove(at: index).reply
        }
        return nil
    }

    /// Ends every invocation awaiting its reply: the worker broke its protocol. Streams are left to their ends.
    mutating func abandonInFlight() -> [Reply] {
        inFlight.map(\.id).compactMap { finish($0) }
    }

    /// The worker exited: the callers still waiting, to fail; `delivered` had their invocation in flight, the others
    /// never reached the worker and may run elsewhere. The streams still open end with the worker.
    mutating func close(exit: WorkerExit) -> (delivered: [Reply], undelivered: [Reply]) {
        self.exit = exit
        asks.removeAll()
        let delivered = abandonInFlight()
        inFlight.removeAll()
        let undelivered = queued.map(\.reply)
        queued.removeAll()
        return (delivered, undelivered)
    }
}

extension InvocationHandoff: Sendable where Ask: Sendable {}

/// The error an invocation gets when its timeout passes before the worker replies.
struct WorkerTimedOut: Error, Sendable {}

/// A worker connection that keeps an ``InvocationHandoff`` under its lock; what both transports do with it.
protocol HandingOffConnection: WorkerConnection, AnyObject {
    /// What the connection answers an ask for work through.
    associatedtype Ask

    /// Runs `body` on the handoff, under the connection's lock.
    func withHandoff<Result>(_ body: (inout InvocationHandoff<Ask>) -> Result) -> Result
}

extension HandingOffConnection {
    /// Waits for the reply to `invocation`, after `hand` has given it to the handoff; resumes with
    /// `CancellationError` if the waiting task is cancelled.
    func awaitReply(
        to invocation: Invocation,
        hand: (InvocationHandoff<Ask>.Reply) -> Void
    ) async throws -> WorkerReply {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { reply in hand(reply) }
        } onCancel: {
            self.withHandoff { $0.finish(invocation.id) }?.resume(throwing: CancellationError())
        }
    }

    /// Times invocation `id`, just sent to the worker, on `eventLoop` (call it there): past `timeout`, its caller
    /// gets ``WorkerTimedOut``.
    func startTimer(_ id: String, timeout: TimeAmount, on eventLoop: any EventLoop) {
        let timer = eventLoop.scheduleTask(in: timeout) {
            let caller = self.withHandoff { $0.finish(id) }
            caller?.resume(throwing: WorkerTimedOut())
        }
        if !withHandoff({ $0.timing(id, with: timer) }) {
            timer.cancel()
        }
    }

    /// Fails the callers a closed handoff returned: the worker process ended as `exit`.
    func fail(
        _ callers: (delivered: [InvocationHandoff<Ask>.Reply], undelivered: [InvocationHandoff<Ask>.Reply]),
        exit: WorkerExit
    ) {
        for reply in callers.delivered {
            reply.resume(throwing: WorkerGone(exit: exit, delivered: true))
        }
        for reply in callers.undelivered {
            reply.resume(throwing: WorkerGone(exit: exit, delivered: false))
        }
    }
}
