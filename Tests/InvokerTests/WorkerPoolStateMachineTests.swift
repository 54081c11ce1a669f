import Testing

@testable import Invoker

/// The pool's decisions, driven by events with explicit times: no clock, no sleeping.
@Suite("Worker pool state machine")
struct WorkerPoolStateMachineTests {
    typealias Machine = WorkerPool.StateMachine
    let start = ContinuousClock.now

    func machine(min: Int = 0, max: Int = 8, maxWaiting: Int = 100, idleTimeout: Duration = .seconds(10)) -> Machine {
        Machine(limits: .init(min: min, max: max, maxWaiting: maxWaiting, idleTimeout: idleTimeout))
    }

    func at(_ offset: Duration) -> ContinuousClock.Instant { start + offset }

    @Test("a cold burst spawns one worker per waiting request up to the cap, and every request is served")
    func burstFromZero() {
        var machine = machine(max: 2)
        let actions = (0..<5).map { machine.requestArrived(waiter: $0, deadline: at(.seconds(10)), now: start) }
        #expect(
            actions == [.wait(spawn: [0]), .wait(spawn: [1]), .wait(spawn: []), .wait(spawn: []), .wait(spawn: [])]
        )
        var served: [Int] = []
        for _ in 0..<3 {
            for worker in [0, 1] {
                if case .dispatch(let waiter) = machine.workerReady(worker, initDuration: nil, now: start) {
                    served.append(waiter)
                }
            }
        }
        #expect(served == [0, 1, 2, 3, 4])
        #expect(machine.waiters.isEmpty)
        #expect(machine.count(.idle) == 1 && machine.count(.busy) == 1)
    }

    @Test("when invocations are much shorter than a cold start, a burst waits for busy workers instead of spawning")
    func shortInvocationsSpawnLess() {
        var machine = machine(max: 50)
        _ = machine.requestArrived(waiter: 0, deadline: at(.seconds(10)), now: start)
        _ = machine.workerReady(0, initDuration: .milliseconds(20), now: start)
        // Invocations take 1 ms and a worker 20 ms to start: one busy worker serves 20 waiting requests sooner.
        machine.invocationAnswered(runTime: .milliseconds(1))
        var spawned: [Int] = []
        for waiter in 1...30 {
            if case .wait(let ids) = machine.requestArrived(waiter: waiter, deadline: at(.seconds(10)), now: start) {
                spawned += ids
            }
        }
        #expect(spawned.count == 10, "30 waiting, 20 covered by the busy worker: \(spawned)")
    }

    @Test("an idle worker is reused, the most recently used first, without spawning")
    func reusesIdleWorkers() {
        var machine = machine(max: 4)
        _ = machine.requestArrived(waiter: 0, deadline: start, now: start)
        _ = machine.requestArrived(waiter: 1, deadline: start, now: start)
        _ = machine.workerReady(0, initDuration: nil, now: start)
        _ = machine.workerReady(1, initDuration: nil, now: start)
        #expect(machine.workerReady(0, initDuration: nil, now: at(.seconds(1))) == .idle)
        #expect(machine.workerReady(1, initDuration: nil, now: at(.seconds(2))) == .idle)
        #expect(machine.requestArrived(waiter: 2, deadline: start, now: start) == .dispatch(worker: 1))
        #expect(machine.requestArrived(waiter: 3, deadline: start, now: start) == .dispatch(worker: 0))
        #expect(machine.workers.count == 2)
    }

    @Test("requests beyond the wait queue are rejected, and waits past their deadline expire")
    func throttling() {
        var machine = machine(max: 1, maxWaiting: 2)
        #expect(machine.requestArrived(waiter: 0, deadline: at(.seconds(1)), now: start) == .wait(spawn: [0]))
        #expect(machine.requestArrived(waiter: 1, deadline: at(.seconds(2)), now: start) == .wait(spawn: []))
        #expect(machine.requestArrived(waiter: 2, deadline: at(.seconds(3)), now: start) == .reject(.queueFull))
        #expect(machine.tick(now: at(.milliseconds(500))).expired.isEmpty)
        #expect(machine.tick(now: at(.seconds(1))).expired == [0])
        #expect(machine.tick(now: at(.seconds(5))).expired == [1])
    }

    @Test("never more than max workers, whatever the load")
    func neverAboveMax() {
        var machine = machine(max: 3)
        for waiter in 0..<50 {
            _ = machine.requestArrived(waiter: waiter, deadline: at(.seconds(60)), now: start)
        }
        for step in 1...100 {
            _ = machine.tick(now: at(.milliseconds(50 * step)))
            #expect(machine.workers.count <= 3)
        }
    }

    @Test("after a burst the pool shrinks back to min after idleTimeout, least recently used first, one per tick")
    func scaleDown() {
        var machine = machine(min: 1, idleTimeout: .seconds(2))
        for waiter in 0..<4 {
            _ = machine.requestArrived(waiter: waiter, deadline: at(.seconds(60)), now: start)
        }
        for worker in 0..<4 {
            _ = machine.workerReady(worker, initDuration: .milliseconds(5), now: start)
        }
        // The invocations end one after the other; worker 3 is the most recently used.
        for worker in 0..<4 {
            machine.invocationAnswered(runTime: .milliseconds(100))
            _ = machine.workerReady(worker, initDuration: nil, now: at(.milliseconds(100 + worker)))
        }
        #expect(machine.count(.idle) == 4)
        var retired: [Int] = []
        var step = 0
        while machine.liveWorkers > 1 && step < 200 {
            step += 1
            let now = at(.milliseconds(100 + 50 * step))
            let actions = machine.tick(now: now)
            if !actions.retire.isEmpty {
                #expect(now - at(.milliseconds(100)) >= .seconds(2), "retired before its idle timeout")
                #expect(actions.retire.count == 1)
            }
            retired += actions.retire
        }
        #expect(retired == [0, 1, 2])
        #expect(machine.liveWorkers == 1)
    }

    @Test("a rising load gets headroom before the workers are all busy")
    func headroom() {
        var machine = machine(max: 20, idleTimeout: .seconds(10))
        machine.invocationAnswered(runTime: .milliseconds(100))
        var spawnedAhead = 0
        // 40 arrivals a second of 100 ms invocations is a demand of 4 concurrent invocations.
        for step in 1...40 {
            let now = at(.milliseconds(25 * step))
            _ = machine.requestArrived(waiter: step, deadline: at(.seconds(60)), now: now)
            for id in machine.workers.keys where machine.workers[id] == .starting {
                _ = machine.workerReady(id, initDuration: .milliseconds(5), now: now)
            }
            if step % 2 == 0 { spawnedAhead += machine.tick(now: now).spawn.count }
        }
        #expect(spawnedAhead > 0)
        #expect(machine.liveWorkers >= 5, "4 busy at 70% utilisation wants 6 workers, got \(machine.liveWorkers)")
    }

    @Test("a worker that dies before it is ready is retried once, then the waiting requests get its error")
    func failedStart() {
        var machine = machine(max: 1)
        let error = FunctionError(type: "Runtime.HandlerNotFound", message: "no handler")
        _ = machine.requestArrived(waiter: 0, deadline: at(.seconds(10)), now: start)
        _ = machine.requestArrived(waiter: 1, deadline: at(.seconds(10)), now: start)
        #expect(machine.workerExited(0, failure: error, now: start) == .spawn([1]))
        #expect(
            machine.workerExited(1, failure: error, now: at(.milliseconds(10))) == .fail(waiters: [0, 1], error: error)
        )
        // While it backs off, callers get the error at once instead of a spawn each.
        let rejected = machine.requestArrived(waiter: 2, deadline: at(.seconds(10)), now: at(.milliseconds(50)))
        #expect(rejected == .reject(.failing(error, retryIn: .milliseconds(60))))
        // Once the backoff is over, the next request tries again; a worker that starts closes the circuit.
        #expect(
            machine.requestArrived(waiter: 3, deadline: at(.seconds(10)), now: at(.milliseconds(110)))
                == .wait(spawn: [2])
        )
        #expect(
            machine.workerReady(2, initDuration: .milliseconds(5), now: at(.milliseconds(120))) == .dispatch(waiter: 3)
        )
        #expect(machine.backoff.consecutiveFailures == 0)
    }

    @Test("consecutive crashes back off exponentially, up to the maximum")
    func crashLoopBackoff() {
        var backoff = StartBackoff()
        let error = FunctionError(type: "Runtime.ExitError", message: "signal 11")
        backoff.failed(error, atStart: false, now: start)
        #expect(backoff.allowsSpawn(now: start), "one crash costs nothing")
        var delays: [Duration] = []
        for failure in 2...12 {
            backoff.failed(error, atStart: false, now: at(.seconds(failure * 100)))
            delays.append(backoff.retryAt! - at(.seconds(failure * 100)))
        }
        #expect(delays.prefix(4) == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800)])
        #expect(delays.last == .seconds(30))
        backoff.workerReady()
        #expect(backoff.consecutiveFailures == 12, "crashes under invocations are cleared by an answer, not by a start")
        backoff.invocationAnswered()
        #expect(backoff.consecutiveFailures == 0 && backoff.allowsSpawn(now: start))
    }

    @Test("a worker that crashes while requests wait is replaced at once")
    func crashReplacement() {
        var machine = machine(max: 1)
        _ = machine.requestArrived(waiter: 0, deadline: start, now: start)
        #expect(machine.workerReady(0, initDuration: nil, now: start) == .dispatch(waiter: 0))
        #expect(machine.requestArrived(waiter: 1, deadline: start, now: start) == .wait(spawn: []))
        let crash = FunctionError(type: "Runtime.ExitError", message: "signal 11")
        #expect(machine.workerExited(0, failure: crash, now: start) == .spawn([1]))
        #expect(machine.workerReady(1, initDuration: nil, now: start) == .dispatch(waiter: 1))
    }

    @Test("the minimum is spawned up front and kept, and shutdown rejects waiters and stops every worker")
    func minimumAndShutdown() {
        var machine = machine(min: 2, max: 3)
        #expect(machine.ensureMinimum() == [0, 1])
        #expect(machine.ensureMinimum() == [])
        _ = machine.workerReady(0, initDuration: nil, now: start)
        _ = machine.workerExited(1, failure: nil, now: start)
        #expect(machine.tick(now: at(.milliseconds(50))).spawn == [2], "a lost minimum worker is replaced")
        _ = machine.requestArrived(waiter: 7, deadline: start, now: start)
        _ = machine.requestArrived(waiter: 8, deadline: start, now: start)
        let (waiters, workers) = machine.shutDown()
        #expect(waiters == [8])
        #expect(workers == [0, 2])
        #expect(machine.requestArrived(waiter: 9, deadline: start, now: start) == .reject(.shuttingDown))
        #expect(machine.workerReady(2, initDuration: nil, now: start) == .stop)
    }
}

extension WorkerPoolStateMachineTests {
    @Test("a warm worker is preferred over a new one that has served nothing yet")
    func warmBeforeNew() {
        var machine = machine(max: 4)
        #expect(machine.requestArrived(waiter: 0, deadline: at(.milliseconds(5)), now: start) == .wait(spawn: [0]))
        #expect(machine.requestArrived(waiter: 1, deadline: at(.seconds(10)), now: start) == .wait(spawn: [1]))
        #expect(machine.tick(now: at(.milliseconds(6))).expired == [0])
        #expect(
            machine.workerReady(0, initDuration: .milliseconds(5), now: at(.milliseconds(7))) == .dispatch(waiter: 1)
        )
        machine.invocationAnswered(runTime: .milliseconds(1))
        #expect(machine.workerReady(0, initDuration: nil, now: at(.milliseconds(10))) == .idle)
        // Worker 1 becomes ready later than worker 0 went idle, but it has served nothing: worker 0 is taken.
        #expect(machine.workerReady(1, initDuration: .milliseconds(15), now: at(.milliseconds(20))) == .idle)
        #expect(
            machine.requestArrived(waiter: 2, deadline: at(.seconds(10)), now: at(.milliseconds(30)))
                == .dispatch(worker: 0)
        )
        #expect(
            machine.requestArrived(waiter: 3, deadline: at(.seconds(10)), now: at(.milliseconds(31)))
                == .dispatch(worker: 1)
        )
    }
}
