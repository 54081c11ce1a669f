import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The worker processes of one function, each running up to the function's `concurrency` invocations at once.
/// Requests take a free slot (on a busy worker with room, else on the idle worker used most recently) or wait for one;
/// the pool's ``StateMachine`` owns its state and decides when to spawn (for waiting requests and for the headroom
/// the load calls for) and when to retire idle workers, within the function's `scaling` limits and the invoker-wide
/// ``WorkerBudget``.
///
/// Every change goes through ``act(_:)``: take the lock, give the machine one event, release the lock, run the
/// actions it returned.
///
/// ```swift
/// let execution = await pool.invoke(invocation, timeout: .seconds(3))
/// ```
final class WorkerPool: Sendable {
    /// How often the pool samples its load, expires waits, and checks its busy workers, while anything needs it.
    static let tickInterval: Duration = .milliseconds(50)
    /// The least time a request waits for a worker before it is throttled (workers may need this long to start).
    static let minimumWait: Duration = .seconds(10)

    /// The pool's machine, with handles to its workers and continuations of its waiting requests.
    typealias Machine = StateMachine<Worker, CheckedContinuation<Assignment, Never>>

    /// What a waiting request is resumed with.
    enum Assignment: Sendable {
        /// This worker runs the invocation; `initDuration` says the request waited for it to start.
        case worker(Worker, initDuration: Duration?)
        /// The request was turned away.
        case rejected(Machine.Rejection)
    }

    /// The live state of the pool, for status displays.
    struct Status: Sendable {
        /// Workers starting.
        var starting: Int
        /// Workers waiting for work.
        var idle: Int
        /// Workers running an invocation.
        var busy: Int
        /// Requests waiting for a worker.
        var waiting: Int
        /// The circuit breaker for failing workers.
        var breaker: StartBackoff.State
        /// Counters since the pool started.
        var counters: Machine.Counters
    }

    /// What became of a pool a reload replaced, for the requests that reach it after the swap.
    private enum Successor {
        /// The pool serves its function.
        case none
        /// A new generation of the function serves it now.
        case replaced(by: WorkerPool)
        /// The function was removed from the manifest.
        case removed

        /// The pool that serves the function now, if another does.
        var pool: WorkerPool? {
            if case .replaced(let pool) = self { pool } else { nil }
        }
    }

    /// The function the pool runs, as the last reload defined it.
    var function: FunctionDefinition { definition.withLock { $0 } }
    /// The generation the pool's workers run: a short id of the worker binary's build and the function's launch
    /// settings (see ``Generation``), stamped on every invocation it runs.
    let generation: String

    private let definition: Mutex<FunctionDefinition>
    private let successor = Mutex(Successor.none)
    private let launch: WorkerLaunch
    private let budget: WorkerBudget
    private let isolateWorkers: Bool
    private let eventLoopGroup: any EventLoopGroup
    private let clock: PoolClock
    private let logger: Logger
    private let machine: Mutex<Machine>
    private let spawns = AsyncStream<(id: Int, slot: Int)>.makeStream()
    private let ticker = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    /// Creates the pool of `function`, whose workers start as `launch` says, count against `budget`, and run under
    /// user ids of their own when `isolateWorkers` is true; `clock` times its ticks, waits and deadlines.
    init(
        function: FunctionDefinition,
        generation: String = "",
        launch: WorkerLaunch,
        budget: WorkerBudget,
        isolateWorkers: Bool,
        eventLoopGroup: any EventLoopGroup,
        clock: PoolClock = PoolClock(ContinuousClock()),
        logger: Logger
    ) {
        self.definition = Mutex(function)
        self.generation = generation
        self.launch = launch
        self.budget = budget
        self.isolateWorkers = isolateWorkers
        self.eventLoopGroup = eventLoopGroup
        self.clock = clock
        var logger = logger
        logger[metadataKey: LogKey.function] = "\(function.name)"
        self.logger = logger
        self.machine = Mutex(Machine(limits: Self.limits(of: function)))
    }

    /// The limits the machine keeps for `function`.
    private static func limits(of function: FunctionDefinition) -> Machine.Limits {
        Machine.Limits(
            min: function.scaling.min,
            max: function.scaling.max,
            maxWaiting: function.scaling.maxQueue,
            idleTimeout: function.scaling.idleTimeout,
            memoryLimitKB: function.memoryMB * 1024,
            concurrency: function.concurrency
        )
    }

    /// Runs the pool's workers until graceful shutdown, then stops them all; a retired pool returns once its last
    /// worker has exited.
    func run() async {
        let now = clock.now()
        act { $0.ensureMinimum(now: now) }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.tickUntilShutdown() }
            for await (id, slot) in spawns.stream.cancelOnGracefulShutdown() {
                group.addTask { await self.runWorker(id, slot: slot) }
            }
            act { $0.shutDown() }
            spawns.continuation.finish()
        }
    }

    /// Runs `invocation` on a worker, waiting for one if all are busy; the invocation may run for `timeout`.
    func invoke(_ invocation: Invocation, timeout: Duration) async -> Execution {
        let arrived = clock.now()
        let deadline = arrived + max(timeout, Self.minimumWait)
        // A worker whose connection is on this thread's event loop answers without a hop to another thread and back.
        let loop = MultiThreadedEventLoopGroup.currentEventLoop
        let assignment = await withCheckedContinuation { continuation in
            act {
                $0.requestArrived(continuation, deadline: deadline, now: arrived) { worker in
                    loop.map { worker.eventLoop === $0 } ?? true
                }
            }
        }
        let worker: Worker
        let initDuration: Duration?
        switch assignment {
        case .rejected(let rejection):
            // A request that reached the pool after a reload replaced it runs on the new generation.
            if rejection == .retired, let next = successor.withLock({ $0 }).pool {
                return await next.invoke(invocation, timeout: timeout)
            }
            return Execution(
                outcome: .failed(failure(rejectedFor: rejection)),
                waited: clock.now() - arrived,
                generation: generation
            )
        case .worker(let assigned, let coldStart):
            (worker, initDuration) = (assigned, coldStart)
        }
        let started = clock.now()
        var invocation = invocation
        invocation.deadlineEpochMs = EpochTime.nowMs() + Int64(timeout.milliseconds.rounded())
        worker.output.begin(invocation: invocation.id)
        guard let answer = await run(invocation, on: worker, timeout: timeout) else {
            // The worker ended before it took the invocation: it runs on another.
            _ = await worker.output.take(invocation: invocation.id)
            return await self.invoke(invocation, timeout: timeout)
        }
        // The outcome is set below from the answer; an empty response stands in until then (describing a failure
        // up front would cost every invocation its text and JSON).
        var execution = Execution(
            outcome: .response(ByteBuffer()),
            waited: started - arrived,
            ran: clock.now() - started,
            cold: initDuration != nil,
            initDuration: initDuration,
            workerPID: worker.pid,
            generation: generation
        )
        switch answer {
        case .answered(.stream(let stream)):
            machine.withLock { $0.streamStarted(worker.id, invocation: invocation.id, deadline: started + timeout) }
            execution.outcome = .streaming(
                StreamedReply(
                    stream: stream,
                    invocationID: invocation.id,
                    execution: execution,
                    worker: worker,
                    function: function,
                    ran: { [clock] in clock.now() - started },
                    ended: { [id = invocation.id] ran, answered in
                        self.streamEnded(id, on: worker, ran: ran, answered: answered)
                    }
                )
            )
            return execution
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
            machine.withLock { $0.invocationAnswered(runTime: execution.ran) }
        }
        execution.maxMemoryKB = worker.peakMemoryKB()
        execution.log = await worker.output.take(invocation: invocation.id)
        return execution
    }

    /// Starts a worker, unless one is idle, and returns once it is ready to take an invocation: a reload's check
    /// that a new generation starts before it takes requests.
    ///
    /// - Throws: the ``InvokerError`` that a request would get, naming the worker's start failure.
    func warmUp() async throws(InvokerError) {
        let arrived = clock.now()
        let assignment = await withCheckedContinuation { continuation in
            act { $0.requestArrived(continuation, deadline: arrived + Self.minimumWait, now: arrived) }
        }
        switch assignment {
        case .worker(let worker, _):
            let now = clock.now()
            act { $0.workerReady(worker.id, now: now) }
        case .rejected(let rejection):
            throw InvokerError(.workerFailed, failure(rejectedFor: rejection).message)
        }
    }

    /// Takes a reload's new definition of the function, whose launch did not change: its scaling limits apply at
    /// once.
    func update(_ function: FunctionDefinition) {
        definition.withLock { $0 = function }
        let now = clock.now()
        act { $0.limitsChanged(Self.limits(of: function), now: now) }
    }

    /// Retires the pool after a reload: requests that still reach it go to `successor` (or fail as removed, for a
    /// function the manifest no longer has), invocations in flight finish on its workers, and the workers stop as
    /// they become idle; ``run()`` returns once the last one has exited.
    func retire(successor next: WorkerPool?) {
        successor.withLock { $0 = next.map { .replaced(by: $0) } ?? .removed }
        act { $0.retire() }
        spawns.continuation.finish()
    }

    /// The live state of the pool, for status displays.
    var status: Status {
        let now = clock.now()
        return machine.withLock { machine in
            Status(
                starting: machine.count(.starting),
                idle: machine.count(.idle),
                busy: machine.count(.busy),
                waiting: machine.waiters.count,
                breaker: machine.backoff.state(now: now),
                counters: machine.counters
            )
        }
    }

    // MARK: Events and actions

    /// Gives the machine one event under the lock, then runs the actions it returned.
    private func act(_ event: (inout Machine) -> [Machine.Action]) {
        let actions = machine.withLock { event(&$0) }
        for action in actions {
            run(action)
        }
    }

    private func run(_ action: Machine.Action) {
        switch action {
        case .dispatch(let worker, let waiter, let initDuration):
            waiter.resume(returning: .worker(worker, initDuration: initDuration))
        case .reject(let waiter, let rejection):
            waiter.resume(returning: .rejected(rejection))
        case .spawn(let id):
            spawn(id)
        case .stop(let worker):
            worker.stop()
        case .kill(let worker, let reason):
            if case .memory(let usedKB) = reason {
                logger.notice(
                    "Worker exceeded its memory limit",
                    metadata: [LogKey.workerMemoryKB: "\(usedKB)", LogKey.memoryLimitKB: "\(function.memoryMB * 1024)"]
                )
            }
            worker.kill(reason)
        case .sampleMemory(let id, let worker):
            guard let usedKB = worker.sampleMemory() else { return }
            act { $0.memorySampled(id, usedKB: usedKB) }
        case .reportFailure(let error, let exit):
            logger.notice("Worker failed", metadata: [LogKey.exit: "\(exit)", LogKey.error: "\(error.message)"])
        case .wakeTicker:
            ticker.continuation.yield()
        case .parkTicker:
            break
        }
    }

    /// Starts worker `id` if the invoker-wide budget has room for it.
    private func spawn(_ id: Int) {
        guard let slot = budget.reserve() else {
            logger.notice("The invoker-wide worker limit is reached", metadata: [LogKey.workerLimit: "\(budget.limit)"])
            machine.withLock { $0.spawnDenied(id) }
            return
        }
        spawns.continuation.yield((id, slot))
    }

    private func runWorker(_ id: Int, slot: Int) async {
        defer { budget.release(slot) }
        var logger = logger
        logger[metadataKey: LogKey.worker] = "\(id)"
        let exit: WorkerExit
        var onPurpose = false
        do {
            let (worker, pipeWriteEnd) = try await Worker.prepare(
                id: id,
                transport: function.transport,
                concurrency: function.concurrency,
                eventLoop: eventLoopGroup.next(),
                logger: logger
            ) { [weak self] worker, event in self?.handle(event, from: worker) }
            let now = clock.now()
            act { $0.workerStarted(id, handle: worker, now: now) }
            logger.debug("Starting worker")
            exit = await worker.run(
                launch,
                identity: isolateWorkers ? WorkerIdentity.forSlot(slot) : .inherited,
                pipeWriteEnd: pipeWriteEnd,
                logger: logger
            )
            onPurpose = worker.killReason != nil
            logger.debug("Worker exited", metadata: [LogKey.exit: "\(exit)"])
        } catch {
            logger.error("Could not prepare worker", metadata: [LogKey.error: "\(error)"])
            // Out of descriptors is said so: callers and the record name the cause, not "exit status 127".
            exit = .spawnFailed(errno: (error as? IOError)?.errnoCode)
        }
        let now = clock.now()
        act { $0.workerExited(id, exit: exit, onPurpose: onPurpose, now: now) }
    }

    private func handle(_ event: WorkerEvent, from worker: Worker) {
        switch event {
        case .replied:
            worker.output.fence()
        case .initFailed(let error):
            machine.withLock { $0.workerInitFailed(worker.id, error: error) }
        case .unusable:
            worker.stop()
        case .ready:
            let now = clock.now()
            act { $0.workerReady(worker.id, now: now) }
        }
    }

    /// The worker's streamed response to invocation `id` ended; `answered` is false when the worker died first.
    private func streamEnded(_ id: String, on worker: Worker, ran: Duration, answered: Bool) {
        machine.withLock { $0.streamEnded(worker.id, invocation: id, runTime: ran, answered: answered) }
    }

    /// Ticks while anything needs time to pass; parked otherwise, until an event wakes it.
    private func tickUntilShutdown() async {
        var wakes = ticker.stream.makeAsyncIterator()
        while !Task.isCancelled {
            try? await clock.sleep(Self.tickInterval)
            let now = clock.now()
            let (actions, finished) = machine.withLock { ($0.tick(now: now), $0.isFinished) }
            for action in actions {
                run(action)
            }
            if finished { return }
            if actions.contains(where: { if case .parkTicker = $0 { true } else { false } }) {
                guard await wakes.next() != nil else { return }
            }
        }
    }

    /// How a request the machine turned away failed, in words naming the function.
    private func failure(rejectedFor rejection: Machine.Rejection) -> InvocationFailure {
        switch rejection {
        case .startFailed(let error):
            return .startFailed(error)
        case .queueFull:
            return .rejected(
                InvokerError(
                    .throttled,
                    "function \"\(function.name)\" is at its limit of \(function.scaling.max) workers and"
                        + " \(function.scaling.maxQueue) waiting requests"
                )
            )
        case .waitExpired:
            return .rejected(InvokerError(.throttled, "no worker of function \"\(function.name)\" became free in time"))
        case .shuttingDown:
            return .rejected(InvokerError(.shuttingDown, "the invoker is shutting down"))
        case .retired:
            // Retired with no successor: the function was removed.
            return .rejected(InvokerError(.functionNotFound, "function \"\(function.name)\" was removed by a reload"))
        case .failing(let error, let retryIn):
            return .rejected(
                InvokerError(
                    .functionFailing,
                    "function \"\(function.name)\" keeps failing and is backing off for"
                        + " \(EpochTime.seconds(retryIn)) seconds; last error: \(error.type): \(error.message)",
                    cause: error
                )
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

    /// Hands `invocation` to `worker` and waits for its answer; nil when the worker ended before the invocation
    /// reached it (it can run on another).
    private func run(_ invocation: Invocation, on worker: Worker, timeout: Duration) async -> Answer? {
        do {
            return .answered(try await worker.connection.invoke(invocation, timeout: TimeAmount(timeout)))
        } catch is WorkerTimedOut {
            worker.kill(.timeout)
            return .failed(.timedOut(after: timeout, invocationID: invocation.id))
        } catch let gone as WorkerGone {
            guard gone.delivered else { return nil }
            return .failed(worker.failure(exit: gone.exit, invocationID: invocation.id, function: function))
        } catch {
            // Only cancellation gets here: the worker's state is unknown, so it is not used again.
            worker.kill(.stopped)
            return .failed(.crashed(.signaled(9), invocationID: invocation.id))
        }
    }
}
