import NIOCore

/// The invocation a worker connection carries, whichever the transport: queued until the worker asks for work,
/// then in flight until the worker replies, the timeout passes, or the worker exits. A connection keeps one under
/// its lock; every method returns what the connection must then do outside the lock.
struct InvocationHandoff {
    /// Where the invocation's caller waits for the reply.
    typealias Reply = CheckedContinuation<WorkerReply, any Error>

    private var queued: (invocation: Invocation, timeout: TimeAmount, reply: Reply)?
    private var inFlight: (id: String, reply: Reply, timer: Scheduled<Void>?)?
    /// How the worker process ended, once it has.
    private(set) var exit: WorkerExit?

    /// What to do with an invocation handed to the connection.
    enum Handed {
        /// Send it to the worker now (it is waiting for work); it is in flight.
        case deliver
        /// Keep it until the worker asks for work.
        case queued
        /// The worker has exited.
        case gone(WorkerExit)
    }

    /// An invocation arrives; `workerWaiting` says whether the worker is asking for work (it then no longer is).
    mutating func hand(_ invocation: Invocation, timeout: TimeAmount, reply: Reply, workerWaiting: Bool) -> Handed {
        if let exit { return .gone(exit) }
        if workerWaiting {
            inFlight = (invocation.id, reply, nil)
            return .deliver
        }
        queued = (invocation, timeout, reply)
        return .queued
    }

    /// The worker asks for work: the queued invocation, now in flight, if there is one.
    mutating func workerAsks() -> (invocation: Invocation, timeout: TimeAmount)? {
        guard let (invocation, timeout, reply) = queued else { return nil }
        queued = nil
        inFlight = (invocation.id, reply, nil)
        return (invocation, timeout)
    }

    /// Starts timing invocation `id` once it was sent; false when it is no longer in flight.
    mutating func timing(_ id: String, with timer: Scheduled<Void>) -> Bool {
        guard inFlight?.id == id else { return false }
        inFlight?.timer = timer
        return true
    }

    /// Ends invocation `id` (answered, timed out or cancelled), queued or in flight: its caller, to resume.
    mutating func finish(_ id: String) -> Reply? {
        if let inFlight, inFlight.id == id {
            self.inFlight = nil
            inFlight.timer?.cancel()
            return inFlight.reply
        }
        if let queued, queued.invocation.id == id {
            self.queued = nil
            return queued.reply
        }
        return nil
    }

    /// Ends whatever invocation is in flight: the worker asked for more work without answering it.
    mutating func abandonInFlight() -> Reply? {
        inFlight.flatMap { finish($0.id) }
    }

    /// The worker exited: the callers still waiting, to fail.
    mutating func close(exit: WorkerExit) -> [Reply] {
        self.exit = exit
        let waiting = [inFlight?.id, queued?.invocation.id].compactMap { $0 }
        return waiting.compactMap { finish($0) }
    }
}

/// The error an invocation gets when its timeout passes before the worker replies.
struct WorkerTimedOut: Error, Sendable {}

/// A worker connection that keeps an ``InvocationHandoff`` under its lock; what both transports do with it.
protocol HandingOffConnection: WorkerConnection, AnyObject {
    /// Runs `body` on the handoff, under the connection's lock.
    func withHandoff<Result>(_ body: (inout InvocationHandoff) -> Result) -> Result
}

extension HandingOffConnection {
    /// Waits for the reply to `invocation`, after `hand` has given it to the handoff; resumes with
    /// `CancellationError` if the waiting task is cancelled.
    func awaitReply(
        to invocation: Invocation,
        hand: (InvocationHandoff.Reply) -> Void
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
}
