import NIOCore

extension WorkerPool {
    /// The pool's decisions as a pure state machine: events in (a request arrived, a worker is ready or exited, an
    /// invocation finished, time passed), actions out (dispatch, wait, spawn, retire, reject). It does no I/O and
    /// reads no clock: every event carries the time, so every decision is tested deterministically.
    struct StateMachine {
        /// What a worker is doing.
        enum WorkerState: Equatable {
            /// Spawned, not yet asking for work.
            case starting
            /// Waiting for work.
            case idle
            /// Running an invocation (until it asks for the next one).
            case busy
            /// Being stopped.
            case stopping
        }

        /// What to do with a request that just arrived.
        enum RequestAction: Equatable {
            /// Hand the invocation to this idle worker.
            case dispatch(worker: Int)
            /// Wait for a worker; spawn these new workers first.
            case wait(spawn: [Int])
            /// Turn the request away.
            case reject(Rejection)
        }

        /// Why a request was turned away.
        enum Rejection: Equatable {
            /// The wait queue is full.
            case queueFull
            /// The pool is shutting down.
            case shuttingDown
            /// The function's workers keep failing and no worker is alive: the last error, and when the next
            /// attempt will be made.
            case failing(FunctionError, retryIn: Duration)
        }

        /// What to do when a worker asks for work.
        enum ReadyAction: Equatable {
            /// Hand it the invocation of this waiting request.
            case dispatch(waiter: Int)
            /// Nothing is waiting: it is idle now.
            case idle
            /// The pool is shutting down or retiring it: stop it.
            case stop
        }

        /// What to do when a worker has exited.
        enum ExitAction: Equatable {
            /// Nothing.
            case none
            /// Spawn these workers to serve the requests still waiting.
            case spawn([Int])
            /// No worker is left to serve these waiting requests and none may be spawned yet: fail them.
            case fail(waiters: [Int], error: FunctionError)
        }

        /// What time passing asks for.
        struct TickActions: Equatable {
            /// Waiting requests whose deadline passed: throttle them.
            var expired: [Int] = []
            /// Workers to spawn (waiting requests not yet covered, or headroom the load calls for).
            var spawn: [Int] = []
            /// Idle workers to retire.
            var retire: [Int] = []
        }

        /// The limits the machine keeps.
        struct Limits: Sendable, Equatable {
            /// Workers kept however idle.
            var min = 0
            /// The most workers at once.
            var max = 8
            /// The most requests that may wait for a worker.
            var maxWaiting = 100
            /// How long a worker beyond `min` may stay idle before it is retired.
            var idleTimeout: Duration = .seconds(60)
        }

        /// A cold start's expected length before any worker of the function has started.
        static let assumedColdStart: Duration = .milliseconds(10)

        /// The limits the machine keeps.
        let limits: Limits
        /// Every live worker and its state.
        private(set) var workers: [Int: WorkerState] = [:]
        /// Idle workers with the instant they became idle: those that never served an invocation first, then the
        /// others from the least to the most recently used (taken from the end).
        private(set) var idle: [(id: Int, since: ContinuousClock.Instant)] = []
        /// Requests waiting for a worker, oldest first, with the instant they give up.
        private(set) var waiters = CircularBuffer<(id: Int, deadline: ContinuousClock.Instant)>()
        /// Whether the pool is shutting down.
        private(set) var isShuttingDown = false
        /// The circuit breaker for failing workers.
        private(set) var backoff = StartBackoff()
        /// The load-based sizing.
        private(set) var autoscaler = Autoscaler()
        /// The average run time of an invocation (an exponentially weighted moving average).
        private(set) var averageRun: Duration?
        /// The average time a new worker takes to become ready.
        private(set) var averageColdStart: Duration?
        private var arrivalsSinceTick = 0
        private var nextWorkerID = 0

        /// Creates the state of an empty pool; its load windows follow `limits.idleTimeout` (a pool remembers its
        /// load as long as it keeps idle workers).
        init(limits: Limits) {
            self.limits = limits
            autoscaler.stableWindow = max(limits.idleTimeout, .seconds(1))
            autoscaler.panicWindow = autoscaler.stableWindow / 10
        }

        /// How many workers are in `state`.
        func count(_ state: WorkerState) -> Int {
            workers.values.count { $0 == state }
        }

        /// Workers that are not being stopped.
        var liveWorkers: Int { workers.count - count(.stopping) }

        /// Spawns workers up to the minimum; returns their ids.
        mutating func ensureMinimum() -> [Int] {
            guard !isShuttingDown else { return [] }
            var spawned: [Int] = []
            while liveWorkers < limits.min && workers.count < limits.max {
                spawned.append(newWorker())
            }
            return spawned
        }

        /// A request arrived; `waiter` identifies it should it have to wait, until `deadline` at the latest.
        mutating func requestArrived(
            waiter: Int,
            deadline: ContinuousClock.Instant,
            now: ContinuousClock.Instant
        ) -> RequestAction {
            guard !isShuttingDown else { return .reject(.shuttingDown) }
            arrivalsSinceTick += 1
            if let worker = idle.popLast() {
                workers[worker.id] = .busy
                return .dispatch(worker: worker.id)
            }
            if liveWorkers == 0, !backoff.allowsSpawn(now: now), let error = backoff.lastError,
                let retryAt = backoff.retryAt
            {
                return .reject(.failing(error, retryIn: retryAt - now))
            }
            guard waiters.count < limits.maxWaiting else { return .reject(.queueFull) }
            waiters.append((waiter, deadline))
            return .wait(spawn: spawnsForWaiters(now: now))
        }

        /// Worker `id` asked for work at `now`; `initDuration` is how long it took to start when this is its first
        /// time.
        mutating func workerReady(_ id: Int, initDuration: Duration?, now: ContinuousClock.Instant) -> ReadyAction {
            guard let state = workers[id], state != .stopping else { return .stop }
            guard !isShuttingDown else {
                workers[id] = .stopping
                return .stop
            }
            if state == .starting {
                backoff.workerReady()
                if let initDuration { averageColdStart = Self.average(averageColdStart, initDuration) }
            }
            if let waiter = waiters.popFirst() {
                workers[id] = .busy
                return .dispatch(waiter: waiter.id)
            }
            workers[id] = .idle
            // A worker that has served nothing yet has no warm caches: it goes behind the ones that have.
            if state == .starting {
                idle.insert((id, now), at: 0)
            } else {
                idle.append((id, now))
            }
            return .idle
        }

        /// An invocation ran for `runTime` and the worker answered it.
        mutating func invocationAnswered(runTime: Duration) {
            averageRun = Self.average(averageRun, runTime)
            backoff.invocationAnswered()
        }

        /// Worker `id` exited at `now`; `failure` says why when it was not stopped on purpose.
        mutating func workerExited(_ id: Int, failure: FunctionError?, now: ContinuousClock.Instant) -> ExitAction {
            guard let state = workers.removeValue(forKey: id) else { return .none }
            idle.removeAll { $0.id == id }
            if let failure {
                backoff.failed(failure, atStart: state == .starting, now: now)
            }
            guard !isShuttingDown, !waiters.isEmpty else { return .none }
            if liveWorkers == 0, !backoff.allowsSpawn(now: now), let error = failure ?? backoff.lastError {
                let failed = waiters.map(\.id)
                waiters.removeAll()
                return .fail(waiters: failed, error: error)
            }
            let spawn = spawnsForWaiters(now: now)
            return spawn.isEmpty ? .none : .spawn(spawn)
        }

        /// The global budget had no room for worker `id`: forget it (a later tick tries again).
        mutating func spawnDenied(_ id: Int) {
            workers[id] = nil
        }

        /// Time passed: throttles expired waits, samples the load, and spawns or retires workers to fit it.
        mutating func tick(now: ContinuousClock.Instant) -> TickActions {
            var actions = TickActions()
            while let first = waiters.first, first.deadline <= now {
                actions.expired.append(waiters.removeFirst().id)
            }
            guard !isShuttingDown else { return actions }
            autoscaler.record(now: now, demand: count(.busy) + waiters.count, arrivals: arrivalsSinceTick)
            arrivalsSinceTick = 0
            let wanted = autoscaler.desiredWorkers(now: now, current: liveWorkers, averageRun: averageRun)
            let desired = min(max(wanted, limits.min), limits.max)

            actions.spawn = spawnsForWaiters(now: now)
            if backoff.allowsSpawn(now: now) {
                while liveWorkers < desired && workers.count < limits.max {
                    actions.spawn.append(newWorker())
                }
            }
            // Retire at most one worker a tick, the one idle the longest, and never during a burst.
            if !autoscaler.isPanicking(now: now), liveWorkers > max(limits.min, desired),
                let oldest = idle.indices.min(by: { idle[$0].since < idle[$1].since }),
                now - idle[oldest].since >= limits.idleTimeout
            {
                let retired = idle.remove(at: oldest).id
                workers[retired] = .stopping
                actions.retire.append(retired)
            }
            return actions
        }

        /// The pool is shutting down: returns the waiting requests to turn away and the workers to stop.
        mutating func shutDown() -> (waiters: [Int], workers: [Int]) {
            isShuttingDown = true
            let waiting = waiters.map(\.id)
            waiters.removeAll()
            idle.removeAll()
            for id in workers.keys { workers[id] = .stopping }
            return (waiting, workers.keys.sorted())
        }

        /// New workers for the waiting requests that no starting worker will take, unless a busy worker is expected
        /// to free up for them sooner than a new one could start (a short function serves a burst faster on the
        /// workers it has than by paying cold starts).
        private mutating func spawnsForWaiters(now: ContinuousClock.Instant) -> [Int] {
            guard backoff.allowsSpawn(now: now) else { return [] }
            var uncovered = waiters.count - count(.starting)
            if let run = averageRun, run > .zero {
                let coldStart = averageColdStart ?? Self.assumedColdStart
                uncovered -= count(.busy) * Int(coldStart / run)
            }
            var spawned: [Int] = []
            while uncovered > 0 && workers.count < limits.max {
                spawned.append(newWorker())
                uncovered -= 1
            }
            return spawned
        }

        private mutating func newWorker() -> Int {
            defer { nextWorkerID += 1 }
            workers[nextWorkerID] = .starting
            return nextWorkerID
        }

        /// An exponentially weighted moving average that weighs the newest sample by a fifth.
        private static func average(_ current: Duration?, _ sample: Duration) -> Duration {
            guard let current else { return sample }
            return current * 0.8 + sample * 0.2
        }
    }
}
