import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import Invoker

/// The handoff of an invocation between its caller and a worker connection, driven directly: each caller is a task
/// suspended on the continuation the handoff keeps, timers run on an `EmbeddedEventLoop` whose time the test moves.
@Suite("Invocation handoff")
struct InvocationHandoffTests {
    /// An invocation with id `id`.
    func invocation(_ id: String) -> Invocation {
        Invocation(id: id, payload: ByteBuffer(string: "{}"), deadlineEpochMs: 0, functionARN: "arn", traceID: "t")
    }

    /// What `handed` says, as text.
    func describe(_ handed: InvocationHandoff.Handed) -> String {
        switch handed {
        case .deliver: "deliver"
        case .queued: "queued"
        case .gone(let exit): "gone: \(exit)"
        }
    }

    /// The body of a reply, or what else the caller got.
    func describe(_ result: Result<WorkerReply, any Error>) -> String {
        switch result {
        case .success(.response(let body)): "response \(String(buffer: body))"
        case .success(.error(let error)): "error \(error.type)"
        case .success: "another reply"
        case .failure(let error as WorkerGone): "gone: \(error.exit)"
        case .failure(is WorkerTimedOut): "timed out"
        case .failure(is CancellationError): "cancelled"
        case .failure(let error): "failed: \(error)"
        }
    }

    /// A worker's answer with body `text`.
    func answer(_ text: String) -> WorkerReply { .response(ByteBuffer(string: text)) }

    @Test("handed to a worker that waits for work, an invocation is delivered at once and answered")
    func deliveredAtOnce() async throws {
        var handoff = InvocationHandoff()
        let caller = await SuspendedCaller<WorkerReply>.make()
        let handed = handoff.hand(
            invocation("a"),
            timeout: .seconds(3),
            reply: caller.continuation,
            workerWaiting: true
        )
        #expect(describe(handed) == "deliver")
        // It is in flight, not queued: the worker asking again gets nothing new.
        #expect(handoff.workerAsks() == nil)
        let reply = handoff.finish("a")
        try #require(reply).resume(returning: answer("ok"))
        #expect(describe(await caller.result) == "response ok")
        // Answered: a second answer to the same id finds no caller.
        #expect(handoff.finish("a") == nil)
    }

    @Test("handed to a busy worker, an invocation is queued until the worker asks, then in flight")
    func queuedUntilAsked() async throws {
        var handoff = InvocationHandoff()
        let caller = await SuspendedCaller<WorkerReply>.make()
        let handed = handoff.hand(
            invocation("a"),
            timeout: .seconds(7),
            reply: caller.continuation,
            workerWaiting: false
        )
        #expect(describe(handed) == "queued")
        let asked = handoff.workerAsks()
        #expect(asked?.invocation.id == "a" && asked?.timeout == .seconds(7))
        #expect(handoff.workerAsks() == nil)
        // The worker asking again without answering drops it: its caller is the one to fail.
        let reply = handoff.abandonInFlight()
        try #require(reply).resume(returning: .error(.noResponse))
        #expect(describe(await caller.result) == "error Runtime.NoResponse")
        #expect(handoff.abandonInFlight() == nil)
        #expect(handoff.finish("a") == nil)
    }

    @Test("an answer ends only the invocation it names")
    func finishMatchesTheID() async throws {
        var handoff = InvocationHandoff()
        let caller = await SuspendedCaller<WorkerReply>.make()
        _ = handoff.hand(invocation("a"), timeout: .seconds(3), reply: caller.continuation, workerWaiting: true)
        #expect(handoff.finish("b") == nil)
        let reply = handoff.finish("a")
        try #require(reply).resume(returning: answer("a"))
        #expect(describe(await caller.result) == "response a")
    }

    @Test("a cancelled invocation leaves the queue: the worker asking later gets nothing")
    func cancelledWhileQueued() async throws {
        var handoff = InvocationHandoff()
        let caller = await SuspendedCaller<WorkerReply>.make()
        _ = handoff.hand(invocation("a"), timeout: .seconds(3), reply: caller.continuation, workerWaiting: false)
        let reply = handoff.finish("a")
        try #require(reply).resume(throwing: CancellationError())
        #expect(describe(await caller.result) == "cancelled")
        #expect(handoff.workerAsks() == nil)
    }

    @Test("an answer cancels the invocation's timer; a timer for an invocation no longer in flight is refused")
    func answerCancelsTimer() async throws {
        let loop = EmbeddedEventLoop()
        var handoff = InvocationHandoff()
        let caller = await SuspendedCaller<WorkerReply>.make()
        _ = handoff.hand(invocation("a"), timeout: .seconds(3), reply: caller.continuation, workerWaiting: true)
        let fired = Fired()
        let timer = loop.scheduleTask(in: .seconds(3)) { _ = fired.count.add(1, ordering: .relaxed) }
        let timing = handoff.timing("a", with: timer)
        #expect(timing)
        let reply = handoff.finish("a")
        try #require(reply).resume(returning: answer("ok"))
        loop.advanceTime(by: .seconds(10))
        #expect(fired.count.load(ordering: .relaxed) == 0)
        #expect(describe(await caller.result) == "response ok")

        let late = loop.scheduleTask(in: .seconds(3)) {}
        let timingLate = handoff.timing("a", with: late)
        #expect(!timingLate)
        late.cancel()
    }

    @Test("past its timeout, the caller gets WorkerTimedOut and the worker's late answer finds no caller")
    func timedOut() async {
        let loop = EmbeddedEventLoop()
        let connection = FakeConnection()
        let caller = await SuspendedCaller<WorkerReply>.make()
        let handed = connection.withHandoff {
            $0.hand(invocation("a"), timeout: .seconds(3), reply: caller.continuation, workerWaiting: true)
        }
        #expect(describe(handed) == "deliver")
        connection.startTimer("a", timeout: .seconds(3), on: loop)
        loop.advanceTime(by: .seconds(3))
        #expect(describe(await caller.result) == "timed out")
        #expect(connection.withHandoff { $0.finish("a") } == nil)
    }

    @Test("a caller whose task is cancelled gets CancellationError and its invocation leaves the handoff")
    func callerCancelled() async {
        let connection = FakeConnection()
        let invocation = self.invocation("a")
        let (handedOff, handedOffContinuation) = AsyncStream.makeStream(of: Void.self)
        let task = Task {
            try await connection.awaitReply(to: invocation) { reply in
                _ = connection.withHandoff {
                    $0.hand(invocation, timeout: .seconds(3), reply: reply, workerWaiting: false)
                }
                handedOffContinuation.yield()
            }
        }
        for await _ in handedOff { break }
        task.cancel()
        #expect(describe(await task.result) == "cancelled")
        #expect(connection.withHandoff { $0.workerAsks() } == nil)
    }

    @Test("when the worker exits, the callers in flight and queued fail with its exit, and later ones at once")
    func workerGone() async throws {
        var handoff = InvocationHandoff()
        let inFlight = await SuspendedCaller<WorkerReply>.make()
        let queued = await SuspendedCaller<WorkerReply>.make()
        _ = handoff.hand(invocation("a"), timeout: .seconds(3), reply: inFlight.continuation, workerWaiting: true)
        _ = handoff.hand(invocation("b"), timeout: .seconds(3), reply: queued.continuation, workerWaiting: false)
        let waiting = handoff.close(exit: .signaled(9))
        try #require(waiting.count == 2)
        for reply in waiting { reply.resume(throwing: WorkerGone(exit: .signaled(9))) }
        #expect(describe(await inFlight.result) == "gone: signal 9 (SIGKILL)")
        #expect(describe(await queued.result) == "gone: signal 9 (SIGKILL)")
        #expect(handoff.exit == .signaled(9))
        #expect(handoff.workerAsks() == nil)

        let late = await SuspendedCaller<WorkerReply>.make()
        let handed = handoff.hand(invocation("c"), timeout: .seconds(3), reply: late.continuation, workerWaiting: true)
        #expect(describe(handed) == "gone: signal 9 (SIGKILL)")
        // `gone` leaves the caller to the connection, which fails it.
        late.continuation.resume(throwing: WorkerGone(exit: .signaled(9)))
        #expect(describe(await late.result) == "gone: signal 9 (SIGKILL)")
        #expect(handoff.close(exit: .exited(0)).isEmpty)
    }
}

/// How many times a timer fired.
private final class Fired: Sendable {
    let count = Atomic(0)
}

/// The smallest connection that keeps a handoff, to drive the timer and the cancellation that both transports share.
private final class FakeConnection: HandingOffConnection {
    private let handoff = Mutex(InvocationHandoff())

    var environment: [String: String] { [:] }
    var workerDescriptor: CInt? { nil }

    func invoke(_ invocation: Invocation, timeout: TimeAmount) async throws -> WorkerReply {
        preconditionFailure("the tests drive the handoff directly")
    }

    func close(exit: WorkerExit) {
        for reply in withHandoff({ $0.close(exit: exit) }) { reply.resume(throwing: WorkerGone(exit: exit)) }
    }

    func withHandoff<Result>(_ body: (inout InvocationHandoff) -> Result) -> Result {
        handoff.withLock { body(&$0) }
    }
}
