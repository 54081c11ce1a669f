import Testing

@testable import Invoker

/// The invocation log's buffer and flush bookkeeping, driven directly: what `append`, the writer and `flush` are
/// told to do, without a database or a writer task.
@Suite("Invocation log state")
struct InvocationLogStateTests {
    typealias State = InvocationLog.State

    /// `count` records with distinct ids.
    func makeRecords(_ count: Int) -> [InvocationRecord] {
        let ids = UUIDv7Generator(now: { 1_700_000_000_000 })
        return (0..<count).map { _ in InvocationFixtures.record(id: ids.next()) }
    }

    /// The action, as text.
    func describe(_ action: State.AppendAction) -> String {
        switch action {
        case .none: "none"
        case .wakeWriter: "wake"
        case .droppedAfterStop: "dropped after stop"
        }
    }

    /// What a flush got, as text.
    func describe(_ result: Result<Void, any Error>?) -> String {
        switch result {
        case nil: "waiting"
        case .success: "flushed"
        case .failure(let error as InvocationLogError): "lost: \(error.code)"
        case .failure(is CancellationError): "cancelled"
        case .failure(let error): "failed: \(error)"
        }
    }

    /// Registers a flush for the records accepted so far; returns its waiting caller, or nil with the immediate
    /// result when it need not wait.
    func flush(
        _ state: inout State,
        isCancelled: Bool = false
    ) async -> (caller: SuspendedCaller<Void>?, immediate: Result<Void, any Error>?) {
        let caller = await SuspendedCaller<Void>.make()
        let number = state.reserveWaiterNumber()
        guard let immediate = state.registerFlush(number, isCancelled: isCancelled, continuation: caller.continuation)
        else { return (caller, nil) }
        caller.continuation.resume(with: immediate)
        _ = await caller.result
        return (nil, immediate)
    }

    @Test("the first record wakes the writer; the next ones do not until it has taken the buffer")
    func wakesTheWriterOnce() {
        var state = State(capacity: 10)
        let records = makeRecords(4)
        #expect(records[0..<3].map { describe(state.append($0)) } == ["wake", "none", "none"])
        #expect(state.takeBuffer(stopIfEmpty: false) == Array(records[0..<3]))
        #expect(describe(state.append(records[3])) == "wake")
        #expect(state.takeBuffer(stopIfEmpty: false) == [records[3]])
        #expect(state.takeBuffer(stopIfEmpty: false).isEmpty)
    }

    @Test("the backlog counts records accepted until they are settled, not until they are taken")
    func backlog() {
        var state = State(capacity: 10)
        for record in makeRecords(3) { _ = state.append(record) }
        #expect(state.backlog == 3)
        _ = state.takeBuffer(stopIfEmpty: false)
        #expect(state.backlog == 3)
        #expect(state.settle(2).isEmpty)
        #expect(state.backlog == 1)
        _ = state.settle(1)
        #expect(state.backlog == 0)
    }

    @Test("a full buffer drops and counts records until the writer takes it; drops are reported once")
    func dropsWhenFull() {
        var state = State(capacity: 2)
        let records = makeRecords(5)
        #expect(records[0..<4].map { describe(state.append($0)) } == ["wake", "none", "none", "none"])
        #expect(state.dropped == 2)
        #expect(state.backlog == 2)
        #expect(state.takeUnreportedDrops() == 2)
        #expect(state.takeUnreportedDrops() == 0)
        #expect(state.takeBuffer(stopIfEmpty: false) == Array(records[0..<2]))
        #expect(describe(state.append(records[4])) == "wake")
        #expect(state.dropped == 2)
    }

    @Test("at shutdown the writer stops only once the buffer is empty; records appended after are dropped")
    func stopsWhenEmptyAtShutdown() {
        var state = State(capacity: 10)
        let records = makeRecords(3)
        _ = state.append(records[0])
        // Records still buffered are written first: taking them does not stop the writer.
        #expect(state.takeBuffer(stopIfEmpty: true) == [records[0]])
        #expect(describe(state.append(records[1])) == "wake")
        #expect(state.takeBuffer(stopIfEmpty: true) == [records[1]])
        #expect(state.takeBuffer(stopIfEmpty: true).isEmpty)
        #expect(describe(state.append(records[2])) == "dropped after stop")
        #expect(state.dropped == 1)
        // Dropped after the stop: reported by `append` itself, not as a full buffer.
        #expect(state.takeUnreportedDrops() == 0)
        // The two records taken wait to be settled; the dropped one was never accepted.
        #expect(state.backlog == 2)
    }

    @Test("an empty buffer taken while running does not stop the writer")
    func emptyBufferWhileRunning() {
        var state = State(capacity: 10)
        #expect(state.takeBuffer(stopIfEmpty: false).isEmpty)
        #expect(describe(state.append(makeRecords(1)[0])) == "wake")
    }

    @Test("a flush with nothing unsettled returns at once")
    func flushWithNothingPending() async {
        var state = State(capacity: 10)
        #expect(describe(await flush(&state).immediate) == "flushed")
        for record in makeRecords(2) { _ = state.append(record) }
        _ = state.settle(2)
        #expect(describe(await flush(&state).immediate) == "flushed")
    }

    @Test("a flush waits for the records accepted before it, not for those accepted after")
    func flushWaitsForEarlierRecords() async throws {
        var state = State(capacity: 10)
        let records = makeRecords(5)
        for record in records[0..<3] { _ = state.append(record) }
        let (waiting, immediate) = await flush(&state)
        let caller = try #require(waiting)
        #expect(immediate == nil)
        for record in records[3...] { _ = state.append(record) }
        #expect(state.settle(2).isEmpty)
        let done = state.settle(1)
        try #require(done.count == 1)
        for resumption in done { resumption.continuation.resume(with: resumption.result) }
        #expect(describe(await caller.result) == "flushed")
        // The later records are still unsettled: a new flush waits for them.
        let (later, _) = await flush(&state)
        let laterCaller = try #require(later)
        let laterDone = state.settle(2)
        try #require(laterDone.count == 1)
        for resumption in laterDone { resumption.continuation.resume(with: resumption.result) }
        #expect(describe(await laterCaller.result) == "flushed")
    }

    @Test("once records are lost, waiting flushes and every later flush report it")
    func lossIsReportedByEveryFlush() async throws {
        var state = State(capacity: 10)
        for record in makeRecords(2) { _ = state.append(record) }
        let (waiting, _) = await flush(&state)
        let caller = try #require(waiting)
        let lost = InvocationLogError(code: .recordsLost, message: "disk gone")
        let done = state.settle(2, failure: lost)
        try #require(done.count == 1)
        for resumption in done { resumption.continuation.resume(with: resumption.result) }
        #expect(describe(await caller.result) == "lost: recordsLost")
        #expect(describe(await flush(&state).immediate) == "lost: recordsLost")
    }

    @Test("a cancelled flush returns CancellationError; cancelling a finished flush finds nothing to resume")
    func cancelledFlush() async throws {
        var state = State(capacity: 10)
        _ = state.append(makeRecords(1)[0])
        #expect(describe(await flush(&state, isCancelled: true).immediate) == "cancelled")

        let caller = await SuspendedCaller<Void>.make()
        let number = state.reserveWaiterNumber()
        #expect(state.registerFlush(number, isCancelled: false, continuation: caller.continuation) == nil)
        let cancelled = state.cancelFlush(number)
        try #require(cancelled).resume(throwing: CancellationError())
        #expect(describe(await caller.result) == "cancelled")
        #expect(state.cancelFlush(number) == nil)
        // The cancelled waiter is gone: settling resumes nobody.
        #expect(state.settle(1).isEmpty)
        // A number reserved but cancelled before it registered: nothing to cancel.
        #expect(state.cancelFlush(state.reserveWaiterNumber()) == nil)
    }
}
