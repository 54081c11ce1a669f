import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import Invoker

/// The handoff of invocations between their callers and a worker connection, driven directly: each caller is a task
/// suspended on the continuation the handoff keeps, timers run on an `EmbeddedEventLoop` whose time the test moves.
@Suite("Invocation handoff")
struct InvocationHandoffTests {
    /// An invocation with id `id`.
    func invocation(_ id: String) -> Invocation {
        Invocation(id: id, payload: ByteBuffer(string: "{}"), deadlineEpochMs: 0, functionARN: "arn", traceID: "t")
    }

    /// What `handed` says, as text.
    func describe(_ handed: InvocationHandoff<Int>.Handed) -> String {
        switch handed {
        case .deliver(let ask): "deliver through \(ask)"
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
        case .failure(let error as WorkerGone):
            "gone: \(error.exit), \(error.delivered ? "delivered" : "not delivered")"
        case .failure(is WorkerTimedOut): "timed out"
        case .failure(is CancellationError): "cancelled"
        case .failure(let error): "failed: \(error)"
        }
    }

    /// A worker's answer with body `text`.
    func answer(_ text: String) -> WorkerReply { .response(ByteBuffer(string: text)) }

    @Test("handed to a worker that waits for work, an invocation is delivered at once through its ask and answered")
    func deliveredAtOnce() async throws {
        var handoff = InvocationHandoff<Int>()
        let first = handoff.workerAsks(1)
        #expect(first.freedSlot)
        let caller = await SuspendedCaller<WorkerReply>.make()
        let handed = handoff.hand(invocation("a"), timeout: .seconds(3), reply: caller.continuation)
        #expect(describe(handed) == "deliver through 1")
        #expect(handoff.isInFlight("a"))
        let reply = handoff.finish("a")
        try #require(reply).resume(returning: answer("ok"))
        #expect(describe(await caller.result) == "response ok")
        // Answered: a second answer to the same id finds no caller.
        #expect(handoff.finish("a") == nil)
    }

    @Test("handed to a busy worker, an invocation is queued until the worker asks, then in flight")
    func queuedUntilAsked() async throws {
        var handoff = InvocationHandoff<Int>()
        let caller = await SuspendedCaller<WorkerReply>.make()
        let handed = handoff.hand(invocation("a"), timeout: .seconds(7), reply: caller.continuation)
        #expect(describe(handed) == "queued")
        let asked = handoff.workerAsks(1)
        #expect(asked.delivered?.invocation.id == "a" && asked.delivered?.timeout == .seconds(7))
        #expect(!asked.freedSlot, "the ask took the queued invocation: no slot is free")
        // The worker asking again without answering gives it up: its caller is the one to fail.
        let again = handoff.workerAsks(2)
        #expect(again.freedSlot)
        try #require(again.abandoned).resume(returning: .error(.noResponse))
        #expect(describe(await caller.result) == "error Runtime.NoResponse")
        #expect(handoff.finish("a") == nil)
    }

    @Test("a worker with two slots holds two invocations at once; a third waits for an answer and the next ask")
    func twoSlots() async throws {
        var handoff = InvocationHandoff<Int>(capacity: 2)
        let asks = [handoff.workerAsks(1), handoff.workerAsks(2)]
        #expect(asks.allSatisfy { $0.freedSlot })
        let a = await SuspendedCaller<WorkerReply>.make()
        let b = await SuspendedCaller<WorkerReply>.make()
        let c = await SuspendedCaller<WorkerReply>.make()
        let handed = [
            handoff.hand(invocation("a"), timeout: .seconds(3), reply: a.continuation),
            handoff.hand(invocation("b"), timeout: .seconds(3), reply: b.continuation),
            handoff.hand(invocation("c"), timeout: .seconds(3), reply: c.continuation),
        ]
        #expect(handed.map(describe) == ["deliver through 1", "deliver through 2", "queued"])
        // Answers come back in any order, each to its own caller.
        let answeredB = handoff.finish("b")
        try #require(answeredB).resume(returning: answer("b"))
        #expect(describe(await b.result) == "response b")
        let asked = handoff.workerAsks(3)
        #expect(asked.abandoned == nil, "a slot was free: nothing is given up")
        #expect(asked.delivered?.invocation.id == "c")
        let answeredA = handoff.finish("a")
        let answeredC = handoff.finish("c")
        try #require(answeredA).resume(returning: answer("a"))
        try #require(answeredC).resume(returning: answer("c"))
        #expect(describe(await a.result) == "response a")
        #expect(describe(await c.result) == "response c")
    }

    @Test("an ask beyond the worker's slots with nothing in flight replaces the oldest ask and frees no slot")
    func askBeyondSlots() async {
        var handoff = InvocationHandoff<Int>(capacity: 2)
        _ = handoff.workerAsks(1)
        _ = handoff.workerAsks(2)
        let beyond = handoff.workerAsks(3)
        #expect(!beyond.freedSlot)
        let caller = await SuspendedCaller<WorkerReply>.make()
        let handed = handoff.hand(invocation("a"), timeout: .seconds(3), reply: caller.continuation)
        #expect(describe(handed) == "deliver through 2")
        handoff.finish("a")?.resume(returning: answer("a"))
        _ = await caller.result
    }

    @Test("a streaming invocation keeps its slot until its stream ends; an ask beyond the slots cuts the stream")
    func streamsKeepTheirSlot() async throws {
        var handoff = InvocationHandoff<Int>()
        _ = handoff.workerAsks(1)
        let caller = await SuspendedCaller<WorkerReply>.make()
        _ = handoff.hand(invocation("a"), timeout: .seconds(3), reply: caller.continuation)
        let stream = ResponseStream(contentType: nil) {}
        let streaming = handoff.beginStream("a", as: stream)
        try #require(streaming).resume(returning: answer("stream"))
        _ = await caller.result
        let again = handoff.beginStream("a", as: stream)
        let finished = handoff.finish("a")
        #expect(again == nil)
        #expect(finished == nil, "a streaming invocation has no caller left")
        #expect(handoff.stream("a") === stream)
        let asked = handoff.workerAsks(2)
        #expect(asked.truncatedStream === stream)
        let ended = handoff.endStream("a")
        #expect(ended == nil)
    }

    @Test("an answer ends only the invocation it names")
    func finishMatchesTheID() async throws {
        var handoff = InvocationHandoff<Int>()
        _ = handoff.workerAsks(1)
        let caller = await SuspendedCaller<WorkerReply>.make()
        _ = handoff.hand(invocation("a"), timeout: .seconds(3), reply: caller.continuation)
        #expect(handoff.finish("b") == nil)
        let reply = handoff.finish("a")
        try #require(reply).resume(returning: answer("a"))
        #expect(describe(await caller.result) == "response a")
    }

    @Test("a cancelled invocation leaves the queue: the worker asking later gets nothing")
    func cancelledWhileQueued() async throws {
        var handoff = InvocationHandoff<Int>()
        let caller = await SuspendedCaller<WorkerReply>.make()
        _ = handoff.hand(invocation("a"), timeout: .seconds(3), reply: caller.continuation)
        let reply = handoff.finish("a")
        try #require(reply).resume(throwing: CancellationError())
        #expect(describe(await caller.result) == "cancelled")
        let asked = handoff.workerAsks(1)
        #expect(asked.delivered == nil)
    }

    @Test("an answer cancels the invocation's timer; a timer for an invocation no longer in flight is refused")
    func answerCancelsTimer() async throws {
        let loop = EmbeddedEventLoop()
        var handoff = InvocationHandoff<Int>()
        _ = handoff.workerAsks(1)
        let caller = await SuspendedCaller<WorkerReply>.make()
        _ = handoff.hand(invocation("a"), timeout: .seconds(3), reply: caller.continuation)
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
            _ = $0.workerAsks(1)
            return $0.hand(invocation("a"), timeout: .seconds(3), reply: caller.continuation)
        }
        #expect(describe(handed) == "deliver through 1")
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
                _ = connection.withHandoff { $0.hand(invocation, timeout: .seconds(3), reply: reply) }
                handedOffContinuation.yield()
            }
        }
        for await _ in handedOff { break }
        task.cancel()
        #expect(describe(await task.result) == "cancelled")
        #expect(connection.withHandoff { $0.workerAsks(1).delivered } == nil)
    }

    @Test("when the worker exits, the callers in flight fail with its exit, queued ones may run elsewhere")
    func workerGone() async throws {
        let connection = FakeConnection()
        let inFlight = await SuspendedCaller<WorkerReply>.make()
        let queued = await SuspendedCaller<WorkerReply>.make()
        connection.withHandoff {
            _ = $0.workerAsks(1)
            _ = $0.hand(invocation("a"), timeout: .seconds(3), reply: inFlight.continuation)
            _ = $0.hand(invocation("b"), timeout: .seconds(3), reply: queued.continuation)
        }
        connection.close(exit: .signaled(9))
        #expect(describe(await inFlight.result) == "gone: signal 9 (SIGKILL), delivered")
        #expect(describe(await queued.result) == "gone: signal 9 (SIGKILL), not delivered")
        #expect(connection.withHandoff { $0.exit } == .signaled(9))
        #expect(connection.withHandoff { $0.workerAsks(1).delivered } == nil)

        let late = await SuspendedCaller<WorkerReply>.make()
        let handed = connection.withHandoff {
            $0.hand(invocation("c"), timeout: .seconds(3), reply: late.continuation)
        }
        #expect(describe(handed) == "gone: signal 9 (SIGKILL)")
        // `gone` leaves the caller to the connection, which fails it.
        late.continuation.resume(throwing: WorkerGone(exit: .signaled(9)))
        #expect(describe(await late.result) == "gone: signal 9 (SIGKILL), delivered")
        let closedAgain = connection.withHandoff { $0.close(exit: .exited(0)) }
        #expect(closedAgain.delivered.isEmpty && closedAgain.undelivered.isEmpty && closedAgain.streams.isEmpty)
    }
}

/// How many times a timer fired.
private final class Fired: Sendable {
    let count = Atomic(0)
}

/// The smallest connection that keeps a handoff, to drive the timer and the cancellation that both transports share.
private final class FakeConnection: HandingOffConnection {
    private let handoff = Mutex(InvocationHandoff<Int>())

    var environment: [String: String] { [:] }
    var workerDescriptor: CInt? { nil }

    func invoke(_ invocation: Invocation, timeout: TimeAmount) async throws -> WorkerReply {
        preconditionFailure("the tests drive the handoff directly")
    }

    func close(exit: WorkerExit) {
        fail(withHandoff { $0.close(exit: exit) }, exit: exit)
    }

    func withHandoff<Result>(_ body: (inout InvocationHandoff<Int>) -> Result) -> Result {
        handoff.withLock { body(&$0) }
    }
}
