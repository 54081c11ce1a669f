import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The worker processes of one function. Requests take an idle worker (the most recently used) or wait for one;
/// the pool's ``StateMachine`` decides when to spawn (for waiting requests and for the headroom the load calls for)
/// and when to retire idle workers, within the function's `scaling` limits and the invoker-wide ``WorkerBudget``.
///
/// ```swift
/// let execution = await pool.invoke(invocation, timeout: .seconds(3))
/// ```
final class WorkerPool: Service, Sendable {
    /// How often the pool samples its load, expires waits, and checks its workers' memory.
    static let tickInterval: Duration = .milliseconds(50)
    /// The least time a request waits for a worker before it is throttled (workers may need this long to start).
    static let minimumWait: Duration = .seconds(10)

    /// The function the pool runs.
    let function: FunctionDefinition

    /// Counters since the pool started, for status displays.
    struct Counters: Sendable, Equatable {
        /// Invocations that waited for a new worker.
        var coldStarts = 0
        /// Invocations turned away (queue full, waited too long, or the function failing).
        var throttles = 0
        /// Workers spawned.
        var spawned = 0
    }

    private struct State {
        var machine: StateMachine
        var waiting: [Int: CheckedContinuation<Worker, any Error>] = [:]
        var workers: [Int: Worker] = [:]
        var initErrors: [Int: FunctionError] = [:]
        var counters = Counters()
        var nextWaiter = 0
    }

    private let launch: WorkerLaunch
    private let budget: WorkerBudget
    private let isolateWorkers: Bool
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let state: Mutex<State>
    private let spawns = AsyncStream<(id: Int, slot: Int)>.makeStream()

    /// Creates the pool of `function`, whose workers start as `launch` says, count against `budget`, and run under
    /// user ids of their own when `isolateWorkers` is true.
    init(
        function: FunctionDefinition,
        launch: WorkerLaunch,
        budget: WorkerBudget,
        isolateWorkers: Bool,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) {
        self.function = function
        self.launch = launch
        self.budget = budget
        self.isolateWorkers = isolateWorkers
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: LogKey.function] = "\(function.name)"
        self.logger = logger
        let limits = StateMachine.Limits(
            min: function.scaling.min,
            max: function.scaling.max,
            maxWaiting: function.scaling.maxQueue,
            idleTimeout: function.scaling.idleTimeout
        )
        self.state = Mutex(State(machine: StateMachine(limits: limits)))
    }

    /// Runs the pool's workers until graceful shutdown, then stops them all.
    func run() async {
        spawn(state.withLock { $0.machine.ensureMinimum() })
        await withDiscardingTaskGroup { group in
            group.addTask { await self.tickUntilShutdown() }
            for await (id, slot) in spawns.stream.cancelOnGracefulShutdown() {
                group.addTask { await self.runWorker(id, slot: slot) }
            }
            shutDown()
        }
    }

    /// Runs `invocation` on a worker, waiting for one if all are busy; the invocation may run for `timeout`.
    func invoke(_ invocation: Invocation, timeout: Duration) async -> Execution {
        let arrived = ContinuousClock.now
        let worker: Worker
        do {
            worker = try await acquire(until: arrived + max(timeout, Self.minimumWait))
        } catch let error as FunctionError {
            return Execution(outcome: .failed(.startFailed(error)), waited: .now - arrived)
        } catch {
            state.withLock { $0.counters.throttles += 1 }
            return Execution(
                outcome: .failed(.rejected(error as? InvokerError ?? InvokerError(.throttled, "\(error)"))),
                waited: .now - arrived
            )
        }
        let started = ContinuousClock.now
        var invocation = invocation
        invocation.deadlineEpochMs = EpochTime.nowMs() + Int64(timeout.milliseconds.rounded())
        var execution = Execution(
            outcome: .failed(.timedOut(after: timeout, invocationID: invocation.id)),
            waited: started - arrived,
            workerPID: worker.pid
        )
        if worker.countInvocation() == 0, let readyAt = worker.readyAt, readyAt > arrived {
            execution.cold = true
            execution.initDuration = readyAt - worker.spawnedAt
            state.withLock { $0.counters.coldStarts += 1 }
        }
        let answer = await run(invocation, on: worker, timeout: timeout)
        execution.ran = .now - started
        switch answer {
        case .answered(.stream(let stream)):
            return streaming(
                stream,
                invocationID: invocation.id,
                execution: execution,
                on: worker,
                startedAt: started,
                deadline: started + timeout
            )
        case .answered(.response(let body)):
            execution.outcome = .response(body)
        case .answered(.httpResponse(let response)):
            execution.outcome = .httpResponse(response)
        case .answered(.error(let error)):
            execution.outcome = .failed(.functionError(error))
        case .failed(let failure):
            execution.outcome = .failed(failure)
        }
        if case .answered = answer {
            invocationAnswered(runTime: execution.ran)
        }
        execution.maxMemoryKB = worker.pid.flatMap(ProcessStatus.peakResidentKB(pid:))
        execution.log = await worker.output.take()
        return execution
    }

    /// Tells the scaling state machine how long an answered invocation ran.
    func invocationAnswered(runTime: Duration) {
        state.withLock { $0.machine.invocationAnswered(runTime: runTime) }
    }

    /// The live state of the pool, for status displays.
    var status: (starting: Int, idle: Int, busy: Int, waiting: Int, counters: Counters) {
        state.withLock { state in
            let machine = state.machine
            return (
                machine.count(.starting), machine.count(.idle), machine.count(.busy), machine.waiters.count,
                state.counters
            )
        }
    }

    /// What became of an invocation handed to a worker.
    private enum Answer {
        /// The worker answered.
        case answered(WorkerReply)
        /// The worker did not answer: it timed out or died.
        case failed(InvocationFailure)
    }

    private func run(_ invocation: Invocation, on worker: Worker, timeout: Duration) async -> Answer {
        do {
            return .answered(try await worker.connection.invoke(invocation, timeout: TimeAmount(timeout)))
        } catch is WorkerTimedOut {
            worker.kill(.timeout)
            return .failed(.timedOut(after: timeout, invocationID: invocation.id))
        } catch let gone as WorkerGone {
            return .failed(
                worker.failure(
                    exit: gone.exit,
                    invocationID: invocation.id,
                    memoryLimitMB: function.memoryMB,
                    timeout: timeout
                )
            )
        } catch {
            // Only cancellation gets here: the worker's state is unknown, so it is not used again.
            worker.kill(.stopped)
            return .failed(.crashed(.signaled(9), invocationID: invocation.id))
        }
    }

    private func acquire(until deadline: ContinuousClock.Instant) async throws -> Worker {
        try await withCheckedThrowingContinuation { continuation in
            enum Action {
                case dispatch(Worker)
                case wait(spawn: [Int])
                case reject(any Error)
            }
            let action = state.withLock { state -> Action in
                let waiter = state.nextWaiter
                state.nextWaiter += 1
                switch state.machine.requestArrived(waiter: waiter, deadline: deadline, now: .now) {
                case .dispatch(let id):
                    return .dispatch(state.workers[id]!)
                case .wait(let spawn):
                    state.waiting[waiter] = continuation
                    return .wait(spawn: spawn)
                case .reject(let rejection):
                    return .reject(rejectionError(rejection))
                }
            }
            switch action {
            case .dispatch(let worker): continuation.resume(returning: worker)
            case .wait(let ids): spawn(ids)
            case .reject(let error): continuation.resume(throwing: error)
            }
        }
    }

    private func rejectionError(_ rejection: StateMachine.Rejection) -> InvokerError {
        switch rejection {
        case .queueFull:
            return InvokerError(
                .throttled,
                "function \"\(function.name)\" is at its limit of \(function.scaling.max) workers and"
                    + " \(function.scaling.maxQueue) waiting requests"
            )
        case .shuttingDown:
            return InvokerError(.shuttingDown, "the invoker is shutting down")
        case .failing(let error, let retryIn):
            return InvokerError(
                .functionFailing,
                "function \"\(function.name)\" keeps failing and is backing off for"
                    + " \(EpochTime.seconds(retryIn)) seconds; last error: \(error.type): \(error.message)",
                cause: error
            )
        }
    }

    /// Starts the workers `ids`, each if the invoker-wide budget has room for it.
    private func spawn(_ ids: [Int]) {
        for id in ids {
            if let slot = budget.reserve() {
                state.withLock { $0.counters.spawned += 1 }
                spawns.continuation.yield((id, slot))
            } else {
                logger.notice("the invoker-wide worker limit is reached", metadata: ["limit": "\(budget.limit)"])
                state.withLock { $0.machine.spawnDenied(id) }
            }
        }
    }

    private func runWorker(_ id: Int, slot: Int) async {
        defer { budget.release(slot) }
        var logger = logger
        logger[metadataKey: LogKey.worker] = "\(id)"
        do {
            let (worker, pipeWriteEnd) = try await Worker.prepare(
                id: id,
                transport: function.transport,
                eventLoop: eventLoopGroup.next()
            ) { [weak self] worker, event in self?.handle(event, from: worker) }
            let shuttingDown = state.withLock { state in
                state.workers[id] = worker
                return state.machine.isShuttingDown
            }
            if shuttingDown { worker.stop() }
            logger.debug("starting worker")
            let exit = await worker.run(
                launch,
                identity: isolateWorkers ? WorkerIdentity.forSlot(slot) : .inherited,
                pipeWriteEnd: pipeWriteEnd,
                logger: logger
            )
            logger.debug("worker exited", metadata: [LogKey.exit: "\(exit)"])
            workerEnded(id, exit: exit, killReason: worker.killReason)
        } catch {
            logger.error("could not prepare worker", metadata: ["error": "\(error)"])
            workerEnded(id, exit: .exited(127), killReason: nil)
        }
    }

    private func handle(_ event: WorkerEvent, from worker: Worker) {
        switch event {
        case .replied:
            worker.output.fence()
        case .initFailed(let error):
            state.withLock { state in
                state.initErrors[worker.id] = error
            }
        case .unusable:
            worker.stop()
        case .ready:
            let initDuration = worker.markReady().map { $0 - worker.spawnedAt }
            enum Action {
                case dispatch(CheckedContinuation<Worker, any Error>)
                case stop
                case none
            }
            let action = state.withLock { state -> Action in
                switch state.machine.workerReady(worker.id, initDuration: initDuration, now: .now) {
                case .dispatch(let waiter):
                    return state.waiting.removeValue(forKey: waiter).map(Action.dispatch) ?? .none
                case .idle: return .none
                case .stop: return .stop
                }
            }
            switch action {
            case .dispatch(let continuation): continuation.resume(returning: worker)
            case .stop: worker.stop()
            case .none: break
            }
        }
    }

    private func workerEnded(_ id: Int, exit: WorkerExit, killReason: Worker.KillReason?) {
        var failed: [CheckedContinuation<Worker, any Error>] = []
        var failure: FunctionError?
        let action = state.withLock { state -> StateMachine.ExitAction in
            state.workers[id] = nil
            let initError = state.initErrors.removeValue(forKey: id)
            if killReason == nil {
                failure =
                    initError
                    ?? FunctionError(
                        type: "Runtime.ExitError",
                        message: state.machine.workers[id] == .starting
                            ? "the worker exited with \(exit) before it was ready"
                            : InvocationFailure.crashMessage(exit)
                    )
            }
            let action = state.machine.workerExited(id, failure: failure, now: .now)
            if case .fail(let waiters, _) = action {
                failed = waiters.compactMap { state.waiting.removeValue(forKey: $0) }
            }
            return action
        }
        switch action {
        case .none: break
        case .spawn(let ids): spawn(ids)
        case .fail(_, let error): for continuation in failed { continuation.resume(throwing: error) }
        }
        if let failure {
            logger.notice("worker failed", metadata: [LogKey.exit: "\(exit)", "error": "\(failure.message)"])
        }
    }

    private func tickUntilShutdown() async {
        while !Task.isCancelled && !state.withLock({ $0.machine.isShuttingDown }) {
            try? await Task.sleep(for: Self.tickInterval)
            let (expired, spawn, retire, workers) = state.withLock { state in
                let actions = state.machine.tick(now: .now)
                state.counters.throttles += actions.expired.count
                return (
                    actions.expired.compactMap { state.waiting.removeValue(forKey: $0) }, actions.spawn,
                    actions.retire.compactMap { state.workers[$0] },
                    state.machine.workers.filter { $0.value == .busy }.compactMap { state.workers[$0.key] }
                )
            }
            for continuation in expired {
                continuation.resume(
                    throwing: InvokerError(
                        .throttled,
                        "no worker of function \"\(function.name)\" became free in time"
                    )
                )
            }
            self.spawn(spawn)
            for worker in retire { worker.stop() }
            enforceMemoryLimit(on: workers)
            enforceStreamDeadlines(on: workers)
        }
    }

    /// Kills busy workers whose resident memory is past the function's limit (there are no cgroups to do it).
    private func enforceMemoryLimit(on workers: [Worker]) {
        let limitKB = function.memoryMB * 1024
        for worker in workers {
            guard let pid = worker.pid, let used = ProcessStatus.residentKB(pid: pid), used > limitKB else { continue }
            logger.notice("worker exceeded its memory limit", metadata: ["usedKB": "\(used)", "limitKB": "\(limitKB)"])
            worker.kill(.memory(usedKB: used))
        }
    }

    private func shutDown() {
        let (waiters, workers) = state.withLock { state in
            let (waiters, workers) = state.machine.shutDown()
            return (
                waiters.compactMap { state.waiting.removeValue(forKey: $0) }, workers.compactMap { state.workers[$0] }
            )
        }
        for continuation in waiters {
            continuation.resume(throwing: InvokerError(.shuttingDown, "the invoker is shutting down"))
        }
        for worker in workers { worker.stop() }
        spawns.continuation.finish()
    }
}
