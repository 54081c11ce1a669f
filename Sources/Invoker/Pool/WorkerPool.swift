import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The worker processes of one function: spawned on demand (and `scaling.min` kept warm), one invocation at a time
/// per worker, requests waiting in a bounded queue when all are busy.
///
/// ```swift
/// let execution = await pool.invoke(invocation, timeout: .seconds(3))
/// ```
final class WorkerPool: Service, Sendable {
    /// How often waiting requests are checked against their deadline.
    static let tickInterval: Duration = .milliseconds(50)
    /// The least time a request waits for a worker before it is throttled (workers may need this long to start).
    static let minimumWait: Duration = .seconds(10)

    /// The function the pool runs.
    let function: FunctionDefinition

    private struct State {
        var machine: StateMachine
        var waiting: [Int: CheckedContinuation<Worker, any Error>] = [:]
        var workers: [Int: Worker] = [:]
        var initErrors: [Int: FunctionError] = [:]
        var nextWaiter = 0
    }

    private let launch: WorkerLaunch
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let state: Mutex<State>
    private let spawns = AsyncStream<Int>.makeStream()

    /// Creates the pool of `function`, whose workers start as `launch` says.
    init(function: FunctionDefinition, launch: WorkerLaunch, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.function = function
        self.launch = launch
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: LogKey.function] = "\(function.name)"
        self.logger = logger
        self.state = Mutex(
            State(machine: StateMachine(maxWorkers: function.scaling.max, maxWaiting: function.scaling.maxQueue))
        )
    }

    /// Runs the pool's workers until graceful shutdown, then stops them all.
    func run() async {
        for id in state.withLock({ $0.machine.ensureMinimum(function.scaling.min) }) {
            spawns.continuation.yield(id)
        }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.tickUntilShutdown() }
            for await id in spawns.stream.cancelOnGracefulShutdown() {
                group.addTask { await self.runWorker(id) }
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
            return Execution(outcome: .startFailed(error), waited: .now - arrived)
        } catch {
            return Execution(outcome: .rejected(error as? InvokerError ?? InvokerError(.throttled, "\(error)")))
        }
        let started = ContinuousClock.now
        var invocation = invocation
        invocation.deadlineEpochMs = CLFTime.nowEpochMs() + Int64(timeout.milliseconds.rounded())
        var execution = Execution(outcome: .timedOut, waited: started - arrived, workerPID: worker.pid)
        if worker.countInvocation() == 0, let readyAt = worker.readyAt, readyAt > arrived {
            execution.cold = true
            execution.initDuration = readyAt - worker.spawnedAt
        }
        execution.outcome = await run(invocation, on: worker, until: started + timeout)
        execution.ran = .now - started
        execution.maxMemoryKB = worker.pid.flatMap(ProcessStatus.peakResidentKB(pid:))
        execution.log = await worker.output.take()
        return execution
    }

    /// Live counts for status displays.
    var snapshot: (starting: Int, idle: Int, busy: Int, waiting: Int) {
        state.withLock { state in
            (
                state.machine.count(.starting), state.machine.count(.idle), state.machine.count(.busy),
                state.machine.waiters.count
            )
        }
    }

    private func run(
        _ invocation: Invocation,
        on worker: Worker,
        until deadline: ContinuousClock.Instant
    ) async
        -> Execution.Outcome
    {
        do {
            let reply = try await withThrowingTaskGroup(of: WorkerReply?.self) { group in
                group.addTask { try await worker.connection.invoke(invocation) }
                group.addTask {
                    try await Task.sleep(until: deadline)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
            guard let reply else {
                worker.kill()
                return .timedOut
            }
            return .replied(reply)
        } catch let gone as WorkerGone {
            return .crashed(gone.exit)
        } catch {
            worker.kill()
            return .crashed(.signaled(9))
        }
    }

    private func acquire(until deadline: ContinuousClock.Instant) async throws -> Worker {
        try await withCheckedThrowingContinuation { continuation in
            enum Action {
                case dispatch(Worker)
                case wait(spawn: Int?)
                case reject(InvokerError)
            }
            let action = state.withLock { state -> Action in
                let waiter = state.nextWaiter
                state.nextWaiter += 1
                switch state.machine.requestArrived(waiter: waiter, deadline: deadline) {
                case .dispatch(let id):
                    return .dispatch(state.workers[id]!)
                case .wait(let spawn):
                    state.waiting[waiter] = continuation
                    return .wait(spawn: spawn)
                case .reject(.queueFull):
                    return .reject(
                        InvokerError(
                            .throttled,
                            "function \"\(function.name)\" is at its limit of \(function.scaling.max) workers and"
                                + " \(function.scaling.maxQueue) waiting requests"
                        )
                    )
                case .reject(.shuttingDown):
                    return .reject(InvokerError(.shuttingDown, "the invoker is shutting down"))
                }
            }
            switch action {
            case .dispatch(let worker): continuation.resume(returning: worker)
            case .wait(let spawn): if let spawn { spawns.continuation.yield(spawn) }
            case .reject(let error): continuation.resume(throwing: error)
            }
        }
    }

    private func runWorker(_ id: Int) async {
        var logger = logger
        logger[metadataKey: LogKey.worker] = "\(id)"
        do {
            let (worker, pipeWriteEnd) = try await Worker.prepare(id: id, eventLoop: eventLoopGroup.next()) {
                [weak self] worker, event in self?.handle(event, from: worker)
            }
            state.withLock { $0.workers[id] = worker }
            logger.debug("starting worker")
            let exit = await worker.run(launch, pipeWriteEnd: pipeWriteEnd, logger: logger)
            logger.debug("worker exited", metadata: [LogKey.exit: "\(exit)"])
            workerEnded(id, exit: exit)
        } catch {
            logger.error("could not prepare worker", metadata: ["error": "\(error)"])
            workerEnded(id, exit: .exited(127))
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
        case .ready:
            worker.markReady()
            enum Action {
                case dispatch(CheckedContinuation<Worker, any Error>)
                case stop
                case none
            }
            let action = state.withLock { state -> Action in
                switch state.machine.workerReady(worker.id) {
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

    private func workerEnded(_ id: Int, exit: WorkerExit) {
        var failed: [CheckedContinuation<Worker, any Error>] = []
        var spawn: Int?
        let initError = state.withLock { state -> FunctionError? in
            state.workers[id] = nil
            let initError = state.initErrors.removeValue(forKey: id)
            switch state.machine.workerExited(id) {
            case .none: break
            case .spawn(let next): spawn = next
            case .fail(let waiters): failed = waiters.compactMap { state.waiting.removeValue(forKey: $0) }
            }
            return initError
        }
        if let spawn { spawns.continuation.yield(spawn) }
        let error =
            initError
            ?? FunctionError(type: "Runtime.ExitError", message: "the worker exited with \(exit) before it was ready")
        for continuation in failed { continuation.resume(throwing: error) }
    }

    private func tickUntilShutdown() async {
        while !Task.isCancelled && !state.withLock({ $0.machine.isShuttingDown }) {
            try? await Task.sleep(for: Self.tickInterval)
            let expired = state.withLock { state in
                state.machine.tick(now: .now).compactMap { state.waiting.removeValue(forKey: $0) }
            }
            for continuation in expired {
                continuation.resume(
                    throwing: InvokerError(
                        .throttled,
                        "no worker of function \"\(function.name)\" became free in time"
                    )
                )
            }
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
