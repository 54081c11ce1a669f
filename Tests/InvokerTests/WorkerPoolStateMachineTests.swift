import Testing

@testable import Invoker

@Suite("Worker pool state machine")
struct WorkerPoolStateMachineTests {
    typealias Machine = WorkerPool.StateMachine
    let start = ContinuousClock.now

    @Test("concurrent cold requests spawn one worker each up to the cap, and every request is served")
    func burstFromZero() {
        var machine = Machine(maxWorkers: 2, maxWaiting: 10)
        let actions = (0..<5).map { machine.requestArrived(waiter: $0, deadline: start + .seconds(10)) }
        #expect(actions == [.wait(spawn: 0), .wait(spawn: 1), .wait(spawn: nil), .wait(spawn: nil), .wait(spawn: nil)])
        #expect(machine.workers.count == 2)
        // Each worker serves the oldest waiting request, then the next when it asks for work again.
        var served: [Int] = []
        for _ in 0..<3 {
            for worker in [0, 1] {
                if case .dispatch(let waiter) = machine.workerReady(worker) { served.append(waiter) }
            }
        }
        #expect(served == [0, 1, 2, 3, 4])
        #expect(machine.waiters.isEmpty)
        #expect(machine.count(.idle) == 1 && machine.count(.busy) == 1)
    }

    @Test("an idle worker is reused, the most recently used first, without spawning")
    func reusesIdleWorkers() {
        var machine = Machine(maxWorkers: 4, maxWaiting: 10)
        _ = machine.requestArrived(waiter: 0, deadline: start)
        _ = machine.requestArrived(waiter: 1, deadline: start)
        _ = machine.workerReady(0)
        _ = machine.workerReady(1)
        #expect(machine.workerReady(0) == .idle)
        #expect(machine.workerReady(1) == .idle)
        #expect(machine.requestArrived(waiter: 2, deadline: start) == .dispatch(worker: 1))
        #expect(machine.requestArrived(waiter: 3, deadline: start) == .dispatch(worker: 0))
        #expect(machine.workers.count == 2)
    }

    @Test("requests beyond the wait queue are rejected, and waits past their deadline expire")
    func throttling() {
        var machine = Machine(maxWorkers: 1, maxWaiting: 2)
        #expect(machine.requestArrived(waiter: 0, deadline: start + .seconds(1)) == .wait(spawn: 0))
        #expect(machine.requestArrived(waiter: 1, deadline: start + .seconds(2)) == .wait(spawn: nil))
        #expect(machine.requestArrived(waiter: 2, deadline: start + .seconds(3)) == .reject(.queueFull))
        #expect(machine.tick(now: start + .milliseconds(500)).isEmpty)
        #expect(machine.tick(now: start + .seconds(1)) == [0])
        #expect(machine.tick(now: start + .seconds(5)) == [1])
        #expect(machine.workerReady(0) == .idle)
    }

    @Test("a worker that dies before it is ready fails the requests that have no other worker to wait for")
    func failedStart() {
        var machine = Machine(maxWorkers: 1, maxWaiting: 10)
        _ = machine.requestArrived(waiter: 0, deadline: start)
        _ = machine.requestArrived(waiter: 1, deadline: start)
        #expect(machine.workerExited(0) == .fail(waiters: [0, 1]))
        #expect(machine.workers.isEmpty && machine.waiters.isEmpty)
        // The next request tries again.
        #expect(machine.requestArrived(waiter: 2, deadline: start) == .wait(spawn: 1))
    }

    @Test("a worker that crashes while requests wait is replaced")
    func crashReplacement() {
        var machine = Machine(maxWorkers: 1, maxWaiting: 10)
        _ = machine.requestArrived(waiter: 0, deadline: start)
        #expect(machine.workerReady(0) == .dispatch(waiter: 0))
        #expect(machine.requestArrived(waiter: 1, deadline: start) == .wait(spawn: nil))
        #expect(machine.workerExited(0) == .spawn(1))
        #expect(machine.workerReady(1) == .dispatch(waiter: 1))
    }

    @Test("the minimum is spawned up front, and shutdown rejects waiters and stops every worker")
    func minimumAndShutdown() {
        var machine = Machine(maxWorkers: 3, maxWaiting: 10)
        #expect(machine.ensureMinimum(2) == [0, 1])
        #expect(machine.ensureMinimum(2) == [])
        _ = machine.workerReady(0)
        _ = machine.requestArrived(waiter: 7, deadline: start)
        _ = machine.requestArrived(waiter: 8, deadline: start)
        let (waiters, workers) = machine.shutDown()
        #expect(waiters == [8])
        #expect(workers == [0, 1])
        #expect(machine.requestArrived(waiter: 9, deadline: start) == .reject(.shuttingDown))
        #expect(machine.workerReady(1) == .stop)
    }
}
