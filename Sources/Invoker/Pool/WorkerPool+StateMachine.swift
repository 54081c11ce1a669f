import NIOCore

extension WorkerPool {
    /// The pool's decisions as a pure state machine: events in (a request arrived, a worker is ready, a worker
    /// exited), actions out (dispatch, wait, spawn, reject). It does no I/O and holds no clock, so every decision is
    /// tested deterministically.
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
            /// Wait for a worker; spawn this new worker first when it is not nil.
            case wait(spawn: Int?)
            /// Turn the request away.
            case reject(Rejection)
        }

        /// Why a request was turned away.
        enum Rejection: Equatable {
            /// The wait queue is full.
            case queueFull
            /// The pool is shutting down.
            case shuttingDown
        }

        /// What to do when a worker asks for work.
        enum ReadyAction: Equatable {
            /// Hand it the invocation of this waiting request.
            case dispatch(waiter: Int)
            /// Nothing is waiting: it is idle now.
            case idle
            /// The pool is shutting down: stop it.
            case stop
        }

        /// What to do when a worker has exited.
        enum ExitAction: Equatable {
            /// Nothing.
            case none
            /// Spawn this worker to serve the requests still waiting.
            case spawn(Int)
            /// No worker is left to serve these waiting requests: fail them with the worker's error.
            case fail(waiters: [Int])
        }

        /// The most workers at once.
        let maxWorkers: Int
        /// The most requests that may wait for a worker.
        let maxWaiting: Int
        /// Every live worker and its state.
        private(set) var workers: [Int: WorkerState] = [:]
        /// Idle workers, the most recently used last (it is taken first: its caches are warm).
        private(set) var idle: [Int] = []
        /// Requests waiting for a worker, oldest first, with the instant they give up.
        private(set) var waiters = CircularBuffer<(id: Int, deadline: ContinuousClock.Instant)>()
        /// Whether the pool is shutting down.
        private(set) var isShuttingDown = false
        private var nextWorkerID = 0

        /// Creates the state of an empty pool.
        init(maxWorkers: Int, maxWaiting: Int) {
            self.maxWorkers = maxWorkers
            self.maxWaiting = maxWaiting
        }

        /// How many workers are in `state`.
        func count(_ state: WorkerState) -> Int {
            workers.values.count { $0 == state }
        }

        /// Spawns workers up to `minimum`; returns their ids.
        mutating func ensureMinimum(_ minimum: Int) -> [Int] {
            guard !isShuttingDown else { return [] }
            var spawned: [Int] = []
            while workers.count < Swift.min(minimum, maxWorkers) {
                spawned.append(newWorker())
            }
            return spawned
        }

        /// A request arrived; `waiter` identifies it should it have to wait, until `deadline` at the latest.
        mutating func requestArrived(waiter: Int, deadline: ContinuousClock.Instant) -> RequestAction {
            guard !isShuttingDown else { return .reject(.shuttingDown) }
            if let worker = idle.popLast() {
                workers[worker] = .busy
                return .dispatch(worker: worker)
            }
            guard waiters.count < maxWaiting else { return .reject(.queueFull) }
            waiters.append((waiter, deadline))
            return .wait(spawn: spawnIfNeeded())
        }

        /// Time passed: returns the waiting requests whose deadline is reached, to be throttled.
        mutating func tick(now: ContinuousClock.Instant) -> [Int] {
            var expired: [Int] = []
            while let first = waiters.first, first.deadline <= now {
                expired.append(waiters.removeFirst().id)
            }
            return expired
        }

        /// Worker `id` asked for work.
        mutating func workerReady(_ id: Int) -> ReadyAction {
            guard let state = workers[id], state != .stopping else { return .stop }
            guard !isShuttingDown else {
                workers[id] = .stopping
                return .stop
            }
            if let waiter = waiters.popFirst() {
                workers[id] = .busy
                return .dispatch(waiter: waiter.id)
            }
            workers[id] = .idle
            idle.append(id)
            return .idle
        }

        /// Worker `id` exited (or could not be started).
        mutating func workerExited(_ id: Int) -> ExitAction {
            guard let state = workers.removeValue(forKey: id) else { return .none }
            idle.removeAll { $0 == id }
            guard !isShuttingDown, !waiters.isEmpty else { return .none }
            if state == .starting && workers.isEmpty {
                // It never became ready and nothing else can serve the waiting requests: spawning again at once
                // would only repeat the failure, so the waiting requests get its error.
                let failed = waiters.map(\.id)
                waiters.removeAll()
                return .fail(waiters: failed)
            }
            return spawnIfNeeded().map(ExitAction.spawn) ?? .none
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

        /// Spawns a worker when the waiting requests outnumber the workers already starting for them.
        private mutating func spawnIfNeeded() -> Int? {
            guard waiters.count > count(.starting), workers.count < maxWorkers else { return nil }
            return newWorker()
        }

        private mutating func newWorker() -> Int {
            defer { nextWorkerID += 1 }
            workers[nextWorkerID] = .starting
            return nextWorkerID
        }
    }
}
