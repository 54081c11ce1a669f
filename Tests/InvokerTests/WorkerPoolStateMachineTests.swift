import Testing

@testable import Invoker

#if canImport(Glibc)
import Glibc
#endif

/// The pool's decisions, driven by events with explicit times: no clock, no sleeping. Workers are their own ids and
/// waiting requests are numbers.
@Suite("Worker pool state machine")
struct WorkerPoolStateMachineTests {
    typealias Machine = WorkerPool.StateMachine<Int, Int>
    typealias Action = Machine.Action
    let start = ContinuousClock.now

    func machine(
        min: Int = 0,
        max: Int = 8,
        maxWaiting: Int = 100,
        idleTimeout: Duration = .seconds(10),
        memoryLimitKB: Int? = nil,
        concurrency: Int = 1
    ) -> Machine {
        Machine(
            limits: .init(
                min: min,
                max: max,
                maxWaiting: maxWaiting,
                idleTimeout: idleTimeout,
                memoryLimitKB: memoryLimitKB,
                concurrency: concurrency
            )
        )
    }

    func at(_ offset: Duration) -> ContinuousClock.Instant { start + offset }

    @Test("a cold burst spawns one worker per waiting request up to the cap, and every request is served")
    func burstFromZero() {
        var machine = machine(max: 2)
        let spawned = (0..<5).map { machine.requestArrived($0, deadline: at(.seconds(10)), now: start).spawned }
        #expect(spawned == [[0], [1], [], [], []])
        var served: [Int] = []
        for _ in 0..<3 {
            for worker in [0, 1] {
                served += machine.ready(worker, now: start).dispatched.map(\.waiter)
            }
        }
        #expect(served == [0, 1, 2, 3, 4])
        #expect(machine.waiters.isEmpty)
        #expect(machine.count(.idle) == 1 && machine.count(.busy) == 1)
    }

    @Test("when invocations are much shorter than a cold start, a burst waits for busy workers instead of spawning")
    func shortInvocationsSpawnLess() {
        var machine = machine(max: 50)
        _ = machine.requestArrived(0, deadline: at(.seconds(10)), now: start)
        _ = machine.workerStarted(0, handle: 0, now: start)
        _ = machine.workerReady(0, now: at(.milliseconds(20)))
        // Invocations take 1 ms and a worker 20 ms to start: one busy worker serves 20 waiting requests sooner.
        machine.invocationAnswered(runTime: .milliseconds(1))
        var spawned: [Int] = []
        for waiter in 1...30 {
            spawned += machine.requestArrived(waiter, deadline: at(.seconds(10)), now: at(.milliseconds(20))).spawned
        }
        #expect(spawned.count == 10, "30 waiting, 20 covered by the busy worker: \(spawned)")
    }

    @Test("an idle worker is reused, the most recently used first, without spawning")
    func reusesIdleWorkers() {
        var machine = machine(max: 4)
        _ = machine.requestArrived(0, deadline: start, now: start)
        _ = machine.requestArrived(1, deadline: start, now: start)
        _ = machine.ready(0, now: start)
        _ = machine.ready(1, now: start)
        #expect(machine.ready(0, now: at(.seconds(1))).isEmpty)
        #expect(machine.ready(1, now: at(.seconds(2))).isEmpty)
        #expect(machine.requestArrived(2, deadline: start, now: at(.seconds(3))).dispatched == [Served(1, 2)])
        #expect(machine.requestArrived(3, deadline: start, now: at(.seconds(3))).dispatched == [Served(0, 3)])
        #expect(machine.workers.count == 2)
    }

    @Test("requests beyond the wait queue are rejected, and waits past their deadline expire")
    func throttling() {
        var machine = machine(max: 1, maxWaiting: 2)
        #expect(machine.requestArrived(0, deadline: at(.seconds(1)), now: start).spawned == [0])
        #expect(machine.requestArrived(1, deadline: at(.seconds(2)), now: start).spawned == [])
        #expect(machine.requestArrived(2, deadline: at(.seconds(3)), now: start).rejected == [Rejected(2, .queueFull)])
        #expect(machine.tick(now: at(.milliseconds(500))).rejected.isEmpty)
        #expect(machine.tick(now: at(.seconds(1))).rejected == [Rejected(0, .waitExpired)])
        #expect(machine.tick(now: at(.seconds(5))).rejected == [Rejected(1, .waitExpired)])
        #expect(machine.counters.throttles == 3)
    }

    @Test("never more than max workers, whatever the load")
    func neverAboveMax() {
        var machine = machine(max: 3)
        for waiter in 0..<50 {
            _ = machine.requestArrived(waiter, deadline: at(.seconds(60)), now: start)
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
            _ = machine.requestArrived(waiter, deadline: at(.seconds(60)), now: start)
        }
        for worker in 0..<4 {
            _ = machine.ready(worker, now: start)
        }
        // The invocations end one after the other; worker 3 is the most recently used.
        for worker in 0..<4 {
            machine.invocationAnswered(runTime: .milliseconds(100))
            _ = machine.workerReady(worker, now: at(.milliseconds(100 + worker)))
        }
        #expect(machine.count(.idle) == 4)
        var retired: [Int] = []
        var step = 0
        while machine.liveWorkers > 1 && step < 200 {
            step += 1
            let now = at(.milliseconds(100 + 50 * step))
            let stopped = machine.tick(now: now).stopped
            if !stopped.isEmpty {
                #expect(now - at(.milliseconds(100)) >= .seconds(2), "retired before its idle timeout")
                #expect(stopped.count == 1)
            }
            retired += stopped
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
            _ = machine.requestArrived(step, deadline: at(.seconds(60)), now: now)
            for id in machine.workers.keys where machine.workers[id] == .starting {
                _ = machine.ready(id, now: now)
            }
            if step % 2 == 0 { spawnedAhead += machine.tick(now: now).spawned.count }
        }
        #expect(spawnedAhead > 0)
        #expect(machine.liveWorkers >= 5, "4 busy at 70% utilisation wants 6 workers, got \(machine.liveWorkers)")
    }

    @Test("a worker that dies before it is ready is retried once, then the waiting requests get its error")
    func failedStart() {
        var machine = machine(max: 1)
        let error = WorkerError(type: "Runtime.HandlerNotFound", message: "no handler")
        _ = machine.requestArrived(0, deadline: at(.seconds(10)), now: start)
        _ = machine.requestArrived(1, deadline: at(.seconds(10)), now: start)
        machine.workerInitFailed(0, error: error)
        let first = machine.workerExited(0, exit: .exited(1), onPurpose: false, now: start)
        #expect(first.spawned == [1])
        #expect(first.failures == [error])
        machine.workerInitFailed(1, error: error)
        let second = machine.workerExited(1, exit: .exited(1), onPurpose: false, now: at(.milliseconds(10)))
        #expect(second.rejected == [Rejected(0, .startFailed(error)), Rejected(1, .startFailed(error))])
        // While it backs off, callers get the error at once instead of a spawn each.
        let rejected = machine.requestArrived(2, deadline: at(.seconds(10)), now: at(.milliseconds(50)))
        #expect(rejected.rejected == [Rejected(2, .failing(error, retryIn: .milliseconds(60)))])
        // Once the backoff is over, the next request tries again; a worker that starts closes the circuit.
        #expect(machine.requestArrived(3, deadline: at(.seconds(10)), now: at(.milliseconds(110))).spawned == [2])
        #expect(machine.ready(2, now: at(.milliseconds(120))).dispatched == [Served(2, 3)])
        #expect(machine.backoff.consecutiveFailures == 0)
    }

    @Test("a worker that exits before it is ready without an init error is named by its exit status")
    func exitBeforeReady() {
        var machine = machine(max: 1)
        _ = machine.requestArrived(0, deadline: at(.seconds(10)), now: start)
        let actions = machine.workerExited(0, exit: .exited(127), onPurpose: false, now: start)
        #expect(actions.failures.map(\.message) == ["the worker exited with exit status 127 before it was ready"])
    }

    @Test("a worker that could not be spawned for lack of descriptors says so, not exit status 127")
    func outOfDescriptors() {
        var machine = machine(max: 1)
        _ = machine.requestArrived(0, deadline: at(.seconds(10)), now: start)
        let actions = machine.workerExited(0, exit: .spawnFailed(errno: EMFILE), onPurpose: false, now: start)
        #expect(
            actions.failures.map(\.message)
                == ["the worker could not be started: the invoker is out of file descriptors (EMFILE)"]
        )
    }

    @Test("consecutive crashes back off exponentially, up to the maximum")
    func crashLoopBackoff() {
        var backoff = StartBackoff()
        let error = WorkerError(type: "Runtime.ExitError", message: "signal 11")
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
        _ = machine.requestArrived(0, deadline: start, now: start)
        #expect(machine.ready(0, now: start).dispatched == [Served(0, 0)])
        #expect(machine.requestArrived(1, deadline: start, now: start).spawned == [])
        let crash = machine.workerExited(0, exit: .signaled(11), onPurpose: false, now: start)
        #expect(crash.spawned == [1])
        #expect(crash.failures.map(\.message) == ["the worker exited with signal 11 (SIGSEGV) during the invocation"])
        #expect(machine.ready(1, now: start).dispatched == [Served(1, 1)])
    }

    @Test("the minimum is spawned up front and kept, and shutdown rejects waiters and stops every worker")
    func minimumAndShutdown() {
        var machine = machine(min: 2, max: 3)
        #expect(machine.ensureMinimum(now: start).spawned == [0, 1])
        #expect(machine.ensureMinimum(now: start).isEmpty)
        _ = machine.ready(0, now: start)
        _ = machine.workerStarted(1, handle: 1, now: start)
        #expect(machine.workerExited(1, exit: .signaled(15), onPurpose: true, now: start).failures.isEmpty)
        #expect(machine.tick(now: at(.milliseconds(50))).spawned == [2], "a lost minimum worker is replaced")
        _ = machine.workerStarted(2, handle: 2, now: at(.milliseconds(50)))
        _ = machine.requestArrived(7, deadline: start, now: start)
        _ = machine.requestArrived(8, deadline: start, now: start)
        let shutdown = machine.shutDown()
        #expect(shutdown.rejected == [Rejected(8, .shuttingDown)])
        #expect(shutdown.stopped == [0, 2])
        #expect(machine.requestArrived(9, deadline: start, now: start).rejected == [Rejected(9, .shuttingDown)])
        #expect(machine.workerReady(2, now: start).stopped == [2])
    }

    @Test("a retired pool hands its waiters on, stops idle workers at once and busy ones once they answer")
    func retire() {
        var machine = machine(min: 1, max: 2)
        _ = machine.ensureMinimum(now: start)
        _ = machine.ready(0, now: start)
        #expect(machine.requestArrived(7, deadline: at(.seconds(10)), now: start).dispatched == [Served(0, 7)])
        _ = machine.requestArrived(8, deadline: at(.seconds(10)), now: start)
        _ = machine.ready(1, now: start)
        _ = machine.requestArrived(9, deadline: at(.seconds(10)), now: start)
        let retired = machine.retire()
        #expect(retired.rejected == [Rejected(9, .retired)])
        #expect(retired.stopped.isEmpty, "both workers are busy: they finish their invocations")
        #expect(!machine.isFinished)
        #expect(machine.requestArrived(10, deadline: start, now: start).rejected == [Rejected(10, .retired)])
        #expect(machine.workerReady(0, now: at(.milliseconds(5))).stopped == [0])
        #expect(machine.tick(now: at(.milliseconds(50))).spawned.isEmpty, "the minimum is no longer kept")
        #expect(machine.workerReady(1, now: at(.milliseconds(60))).stopped == [1])
        _ = machine.workerExited(0, exit: .signaled(15), onPurpose: true, now: at(.milliseconds(70)))
        _ = machine.workerExited(1, exit: .signaled(15), onPurpose: true, now: at(.milliseconds(70)))
        #expect(machine.isFinished)
        #expect(machine.shutDown().isEmpty, "graceful shutdown leaves a retired pool to its own ending")
        #expect(machine.counters.throttles == 0, "handing requests on is not throttling")
    }

    @Test("new scaling limits apply in place: a lower maximum stops idle workers, a higher minimum spawns")
    func limitsChanged() {
        var machine = machine(max: 3)
        for id in 0..<3 {
            _ = machine.requestArrived(id, deadline: at(.seconds(10)), now: start)
        }
        for id in 0..<3 { _ = machine.ready(id, now: start) }
        for id in 0..<3 { _ = machine.workerReady(id, now: at(.milliseconds(10))) }
        var limits = machine.limits
        limits.max = 1
        #expect(machine.limitsChanged(limits, now: at(.milliseconds(20))).stopped.count == 2)
        limits.min = 2
        limits.max = 4
        #expect(machine.limitsChanged(limits, now: at(.milliseconds(30))).spawned.count == 1)
    }

    func startDuringShutdown() {
        var machine = machine(max: 1)
        _ = machine.requestArrived(0, deadline: at(.seconds(10)), now: start)
        _ = machine.shutDown()
        #expect(machine.workerStarted(0, handle: 0, now: start).stopped == [0])
    }
}

extension WorkerPoolStateMachineTests {
    @Test("a warm worker is preferred over a new one that has served nothing yet")
    func warmBeforeNew() {
        var machine = machine(max: 4)
        #expect(machine.requestArrived(0, deadline: at(.milliseconds(5)), now: start).spawned == [0])
        #expect(machine.requestArrived(1, deadline: at(.seconds(10)), now: start).spawned == [1])
        #expect(machine.tick(now: at(.milliseconds(6))).rejected == [Rejected(0, .waitExpired)])
        #expect(machine.ready(0, now: at(.milliseconds(7))).dispatched == [Served(0, 1)])
        machine.invocationAnswered(runTime: .milliseconds(1))
        #expect(machine.workerReady(0, now: at(.milliseconds(10))).isEmpty)
        // Worker 1 becomes ready later than worker 0 went idle, but it has served nothing: worker 0 is taken.
        #expect(machine.ready(1, now: at(.milliseconds(20))).isEmpty)
        #expect(
            machine.requestArrived(2, deadline: at(.seconds(10)), now: at(.milliseconds(30))).dispatched == [
                Served(0, 2)
            ]
        )
        #expect(
            machine.requestArrived(3, deadline: at(.seconds(10)), now: at(.milliseconds(31))).dispatched == [
                Served(1, 3)
            ]
        )
    }

    @Test("a request that waits for a new worker is a cold start with its init time; one that finds it idle is not")
    func coldStarts() {
        var machine = machine(max: 2)
        _ = machine.requestArrived(0, deadline: at(.seconds(10)), now: start)
        _ = machine.workerStarted(0, handle: 0, now: at(.milliseconds(1)))
        let cold = machine.workerReady(0, now: at(.milliseconds(9)))
        #expect(cold == [.dispatch(0, to: 0, initDuration: .milliseconds(8))])
        _ = machine.workerReady(0, now: at(.milliseconds(20)))
        let warm = machine.requestArrived(1, deadline: at(.seconds(10)), now: at(.milliseconds(30)))
        #expect(warm == [.dispatch(0, to: 1, initDuration: nil)])
        // A worker kept warm (min) that became ready before the request arrived is no cold start either.
        #expect(machine.counters.coldStarts == 1)
    }

    @Test("a busy worker past its memory limit is killed; an idle one or one within the limit is not")
    func memoryKills() {
        var machine = machine(max: 2, memoryLimitKB: 128 * 1024)
        _ = machine.requestArrived(0, deadline: at(.seconds(10)), now: start)
        _ = machine.ready(0, now: start)
        let tick = machine.tick(now: at(.milliseconds(50)))
        #expect(tick.contains(.sampleMemory(0, 0)))
        #expect(machine.memorySampled(0, usedKB: 100 * 1024).isEmpty)
        #expect(machine.memorySampled(0, usedKB: 200 * 1024) == [.kill(0, .memory(usedKB: 200 * 1024))])
        _ = machine.workerReady(0, now: at(.milliseconds(60)))
        #expect(machine.memorySampled(0, usedKB: 200 * 1024).isEmpty, "idle workers are not killed for memory")
        #expect(!machine.tick(now: at(.milliseconds(100))).contains(.sampleMemory(0, 0)))
    }

    @Test("a streamed response past its deadline gets its worker killed once; one that ended in time does not")
    func streamDeadlines() {
        var machine = machine(max: 2)
        _ = machine.requestArrived(0, deadline: at(.seconds(10)), now: start)
        _ = machine.ready(0, now: start)
        machine.streamStarted(0, invocation: "a", deadline: at(.seconds(3)))
        #expect(!machine.tick(now: at(.seconds(2))).contains(.kill(0, .timeout)))
        #expect(machine.tick(now: at(.seconds(3))).contains(.kill(0, .timeout)))
        #expect(!machine.tick(now: at(.seconds(4))).contains(.kill(0, .timeout)), "killed once")

        _ = machine.requestArrived(1, deadline: at(.seconds(10)), now: at(.seconds(4)))
        _ = machine.ready(1, now: at(.seconds(4)))
        machine.streamStarted(1, invocation: "b", deadline: at(.seconds(7)))
        machine.streamEnded(1, invocation: "b", runTime: .seconds(1), answered: true)
        #expect(!machine.tick(now: at(.seconds(8))).contains(.kill(1, .timeout)))
        #expect(machine.averageRun == .seconds(1))
    }

    @Test("an idle pool parks its ticker once its load window is calm, and a request wakes it")
    func tickerParks() {
        var machine = machine(idleTimeout: .seconds(2))
        #expect(machine.tick(now: at(.milliseconds(50))).contains(.parkTicker), "a pool that never had load parks")
        #expect(machine.isTickerParked)
        #expect(machine.requestArrived(0, deadline: at(.seconds(10)), now: at(.seconds(1))).first == .wakeTicker)
        _ = machine.ready(0, now: at(.seconds(1)))
        machine.invocationAnswered(runTime: .milliseconds(10))
        _ = machine.workerReady(0, now: at(.seconds(1)))
        var parkedAt: Duration?
        for step in 1...200 where parkedAt == nil {
            let offset = Duration.seconds(1) + .milliseconds(50 * step)
            let actions = machine.tick(now: at(offset))
            if actions.stopped == [0] {
                _ = machine.workerExited(0, exit: .signaled(15), onPurpose: true, now: at(offset))
            }
            if actions.contains(.parkTicker) { parkedAt = offset }
        }
        // The worker is retired after its 2 s idle timeout, and the ticker parks once the 2 s window saw no load.
        #expect(machine.liveWorkers == 0)
        #expect(parkedAt.map { $0 >= .seconds(3) } == true, "parked at \(String(describing: parkedAt))")
        #expect(machine.workerReady(0, now: at(.seconds(9))).isEmpty, "a gone worker's late ready is ignored")
    }

    @Test("a parked pool below its minimum is woken when a worker exits, and replaces it")
    func wakesForMinimum() {
        var machine = machine(min: 1, idleTimeout: .seconds(1))
        _ = machine.ensureMinimum(now: start)
        _ = machine.ready(0, now: start)
        var parked = false
        for step in 1...100 where !parked {
            parked = machine.tick(now: at(.milliseconds(50 * step))).contains(.parkTicker)
        }
        #expect(parked)
        let exit = machine.workerExited(0, exit: .signaled(9), onPurpose: false, now: at(.seconds(6)))
        #expect(exit.contains(.wakeTicker))
        #expect(machine.tick(now: at(.seconds(6) + .milliseconds(50))).spawned == [1])
    }

    @Test("a request takes an idle worker its caller prefers (one on its event loop) over the most recent one")
    func prefersNearWorkers() {
        var machine = machine()
        for id in 0..<2 {
            _ = machine.requestArrived(id, deadline: at(.seconds(10)), now: start)
        }
        _ = machine.ready(0, now: at(.milliseconds(5)))
        _ = machine.ready(1, now: at(.milliseconds(6)))
        _ = machine.workerReady(0, now: at(.milliseconds(10)))
        _ = machine.workerReady(1, now: at(.milliseconds(11)))
        let near = machine.requestArrived(2, deadline: at(.seconds(10)), now: at(.milliseconds(20))) { $0 == 0 }
        #expect(near.dispatched == [Served(0, 2)], "worker 1 was used last, but worker 0 is near")
        let any = machine.requestArrived(3, deadline: at(.seconds(10)), now: at(.milliseconds(20))) { $0 == 0 }
        #expect(any.dispatched == [Served(1, 3)], "with no near worker free, another one serves")
    }
}

/// Workers that run several invocations at once: the pool counts slots.
@Suite("Worker pool state machine, concurrency")
struct WorkerPoolConcurrencyTests {
    typealias Machine = WorkerPool.StateMachine<Int, Int>
    let start = ContinuousClock.now

    func machine(max: Int = 8, concurrency: Int) -> Machine {
        Machine(limits: .init(max: max, idleTimeout: .seconds(10), concurrency: concurrency))
    }

    func at(_ offset: Duration) -> ContinuousClock.Instant { start + offset }

    /// Worker `id` starts and every one of its slots asks for work: what a native worker's `ready` does.
    func readyInEverySlot(_ machine: inout Machine, _ id: Int, now: ContinuousClock.Instant) -> [Served] {
        (0..<machine.limits.concurrency).flatMap { _ in machine.ready(id, now: now).dispatched }
    }

    @Test("a burst of six requests with four slots per worker spawns two workers, and each worker takes four")
    func burstSpawnsBySlots() {
        var machine = machine(concurrency: 4)
        let spawned = (0..<6).flatMap { machine.requestArrived($0, deadline: at(.seconds(10)), now: start).spawned }
        #expect(spawned == [0, 1])
        let first = readyInEverySlot(&machine, 0, now: at(.milliseconds(5)))
        #expect(first == [Served(0, 0), Served(0, 1), Served(0, 2), Served(0, 3)])
        let second = readyInEverySlot(&machine, 1, now: at(.milliseconds(6)))
        #expect(second == [Served(1, 4), Served(1, 5)])
        #expect(machine.slotsInUse == 6)
        #expect(machine.count(.busy) == 2)
    }

    @Test("requests fill a busy worker's free slots before they wake an idle one")
    func packsBusyWorkers() {
        var machine = Machine(limits: .init(min: 2, idleTimeout: .seconds(10), concurrency: 3))
        #expect(machine.ensureMinimum(now: start).spawned == [0, 1])
        _ = readyInEverySlot(&machine, 0, now: at(.milliseconds(5)))
        _ = readyInEverySlot(&machine, 1, now: at(.milliseconds(5)))
        #expect(machine.count(.idle) == 2)
        let served = (0..<4).flatMap {
            machine.requestArrived($0, deadline: at(.seconds(10)), now: at(.milliseconds(10))).dispatched
        }
        // The first request wakes one worker; the next two fill its slots; only the fourth wakes the other.
        let first = served[0].worker
        #expect(served.map(\.worker) == [first, first, first, 1 - first])
        #expect(machine.count(.busy) == 2 && machine.slotsInUse == 4)
    }

    @Test("a full worker's request waits for the slot that answers next, not for a new worker when one is at max")
    func waitsForASlot() {
        var machine = machine(max: 1, concurrency: 2)
        for id in 0..<3 {
            _ = machine.requestArrived(id, deadline: at(.seconds(10)), now: start)
        }
        #expect(readyInEverySlot(&machine, 0, now: at(.milliseconds(5))).count == 2)
        #expect(machine.waiters.count == 1)
        // One slot answers and asks again: the waiting request takes it.
        #expect(machine.workerReady(0, now: at(.milliseconds(20))).dispatched == [Served(0, 2)])
        // Both answer: the worker is idle again.
        _ = machine.workerReady(0, now: at(.milliseconds(30)))
        _ = machine.workerReady(0, now: at(.milliseconds(31)))
        #expect(machine.count(.idle) == 1 && machine.slotsInUse == 0)
        // A slot asking more often than it has slots frees nothing beyond them.
        _ = machine.workerReady(0, now: at(.milliseconds(32)))
        #expect(machine.slots[0]?.free == 2)
    }

    @Test("a retired pool stops a worker with several invocations only once every slot has answered")
    func retiredStopsWhenEverySlotAnswered() {
        var machine = machine(concurrency: 2)
        for id in 0..<2 {
            _ = machine.requestArrived(id, deadline: at(.seconds(10)), now: start)
        }
        _ = readyInEverySlot(&machine, 0, now: at(.milliseconds(5)))
        #expect(machine.retire().stopped.isEmpty)
        #expect(machine.workerReady(0, now: at(.milliseconds(10))).stopped.isEmpty)
        #expect(machine.workerReady(0, now: at(.milliseconds(11))).stopped == [0])
    }

    @Test("the autoscaler sizes the pool by slots: steady demand of 8 invocations calls for 2 workers of 4 slots")
    func autoscalesBySlots() {
        var machine = machine(max: 10, concurrency: 4)
        for id in 0..<8 {
            _ = machine.requestArrived(id, deadline: at(.seconds(10)), now: start)
        }
        for id in machine.slots.keys.sorted() {
            _ = readyInEverySlot(&machine, id, now: at(.milliseconds(5)))
        }
        var workers = machine.liveWorkers
        for step in 1...40 {
            _ = machine.tick(now: at(.milliseconds(50 * step)))
            workers = max(workers, machine.liveWorkers)
        }
        // 8 in use / 0.7 utilisation / 4 slots: 3 workers, never one per invocation.
        #expect(workers == 3)
    }
}

extension WorkerPool.StateMachine<Int, Int> {
    /// Registers worker `id`'s handle if it has none yet, then reports it ready: what a pool does for a new worker.
    mutating func ready(_ id: Int, now: ContinuousClock.Instant) -> [Action] {
        if slots[id]?.handle == nil { _ = workerStarted(id, handle: id, now: now) }
        return workerReady(id, now: now)
    }
}

extension Array where Element == WorkerPool.StateMachine<Int, Int>.Action {
    /// The workers spawned.
    var spawned: [Int] { compactMap { if case .spawn(let id) = $0 { id } else { nil } } }
    /// The workers stopped.
    var stopped: [Int] { compactMap { if case .stop(let id) = $0 { id } else { nil } } }
    /// The waiting requests served, with their workers.
    var dispatched: [Served] {
        compactMap { if case .dispatch(let worker, let waiter, _) = $0 { Served(worker, waiter) } else { nil } }
    }
    /// The requests turned away, with why.
    var rejected: [Rejected] {
        compactMap { if case .reject(let waiter, let rejection) = $0 { Rejected(waiter, rejection) } else { nil } }
    }
    /// The worker failures reported.
    var failures: [WorkerError] { compactMap { if case .reportFailure(let error, _) = $0 { error } else { nil } } }
}

/// A request served by a worker.
struct Served: Equatable {
    var worker: Int
    var waiter: Int
    init(_ worker: Int, _ waiter: Int) { (self.worker, self.waiter) = (worker, waiter) }
}

/// A request turned away, and why.
struct Rejected: Equatable {
    var waiter: Int
    var rejection: WorkerPool.StateMachine<Int, Int>.Rejection
    init(_ waiter: Int, _ rejection: WorkerPool.StateMachine<Int, Int>.Rejection) {
        (self.waiter, self.rejection) = (waiter, rejection)
    }
}
