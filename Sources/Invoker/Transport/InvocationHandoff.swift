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
    /// The invocations the worker has, in the order they were delivered: awaiting their reply (`reply`), or streaming
    /// it (`stream`; their caller already has it).
    private var inFlight: [(id: String, reply: Reply?, stream: ResponseStream?, timer: Scheduled<Void>?)] = []
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
        /// The streamed response the worker gave up on, the same way.
        var truncatedStream: ResponseStream?
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
        inFlight.append((invocation.id, reply, nil, nil))
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
                if let stream = oldest.stream {
                    asked.truncatedStream = stream
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
            inFlight.append((invocation.id, reply, nil, nil))
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

    /// Invocation `id` starts streaming its response as `stream`: its caller, to resume with the stream; the
    /// invocation keeps its slot until ``endStream(_:)``. Nil when `id` is not awaiting its reply.
    mutating func beginStream(_ id: String, as stream: ResponseStream) -> Reply? {
        guard let index = inFlight.firstIndex(where: { $0.id == id && $0.reply != nil }) else { return nil }
        defer { (inFlight[index].reply, inFlight[index].stream) = (nil, stream) }
        inFlight[index].timer?.cancel()
        inFlight[index].timer = nil
        return inFlight[index].reply
    }

    /// The response invocation `id` is streaming; nil when it is not streaming one.
    func stream(_ id: String) -> ResponseStream? {
        inFlight.first { $0.id == id }?.stream
    }

    /// Invocation `id`'s streamed response ended, and its slot is free: the stream, to end; nil when `id` was not
    /// streaming.
    mutating func endStream(_ id: String) -> ResponseStream? {
        guard let index = inFlight.firstIndex(where: { $0.id == id && $0.stream != nil }) else { return nil }
        return inFlight.remove(at: index).stream
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

    /// What the worker leaves unanswered when it breaks its protocol or exits.
    struct Unanswered {
        /// The callers whose invocation the worker had.
        var delivered: [Reply] = []
        /// The callers whose invocation never reached the worker (they may run elsewhere).
        var undelivered: [Reply] = []
        /// The responses the worker was streaming.
        var streams: [ResponseStream] = []
    }

    /// Ends every invocation in flight, streaming or not: the worker broke its protocol.
    mutating func abandonInFlight() -> Unanswered {
        defer { inFlight.removeAll() }
        for entry in inFlight { entry.timer?.cancel() }
        return Unanswered(delivered: inFlight.compactMap { $0.reply }, streams: inFlight.compactMap { $0.stream })
    }

    /// The worker exited: what it leaves unanswered, to fail.
    mutating func close(exit: WorkerExit) -> Unanswered {
        self.exit = exit
        asks.removeAll()
        var unanswered = abandonInFlight()
        unanswered.undelivered = queued.map { $0.reply }
        queued.removeAll()
        return unanswered
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

    /// Ends what the worker gave up by asking for work beyond its slots (an invocation, or a streamed response), and
    /// tells `onEvent` of it and of the slot the ask freed, if it did.
    func settle(_ asked: InvocationHandoff<Ask>.Asked, onEvent: (WorkerEvent) -> Void) {
        if let abandoned = asked.abandoned {
            onEvent(.replied)
            abandoned.resume(returning: .error(.noResponse))
        }
        if let truncated = asked.truncatedStream {
            onEvent(.replied)
            truncated.end(.error(.truncatedStream))
        }
        if asked.freedSlot {
            onEvent(.ready)
        }
    }

    /// Fails what a closed handoff left unanswered: the worker process ended as `exit`.
    func fail(_ unanswered: InvocationHandoff<Ask>.Unanswered, exit: WorkerExit) {
        for reply in unanswered.delivered {
            reply.resume(throwing: WorkerGone(exit: exit, delivered: true))
        }
        for reply in unanswered.undelivered {
            reply.resume(throwing: WorkerGone(exit: exit, delivered: false))
        }
        for stream in unanswered.streams {
            stream.end(.workerGone(exit))
        }
    }
}
