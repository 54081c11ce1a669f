import NIOCore

extension WorkerPool {
    /// The pool's state and every decision about it, as a pure state machine: events in (a request arrived, a worker
    /// started, is ready or exited, an invocation finished, a stream began or ended, memory was sampled, time passed),
    /// actions out (dispatch, reject, spawn, stop, kill, sample, wake the ticker). It does no I/O and reads no clock:
    /// every event carries the time, so every decision is tested deterministically.
    ///
    /// The machine owns the pool's whole state, the workers' handles and the waiting requests included; the pool
    /// takes its lock, hands it one event, and runs the actions it returns after releasing the lock. `Handle` is a
    /// worker (a ``Worker`` in the pool, an `Int` in tests), `Waiter` what a waiting request is resumed through.
    struct StateMachine<Handle: Sendable, Waiter: Sendable>: Sendable {
        /// What a worker is doing.
        enum WorkerState: Equatable, Sendable {
            /// Spawned, not yet asking for work.
            case starting
            /// Asking for work in every slot.
            case idle
            /// Running an invocation in at least one slot (until that slot asks for the next one).
            case busy
            /// Being stopped.
            case stopping
        }

        /// Why a request was turned away.
        enum Rejection: Equatable, Sendable {
            /// The wait queue is full.
            case queueFull
            /// The pool is shutting down.
            case shuttingDown
            /// The pool was replaced by a reload (a new generation, or the function removed): the request belongs
            /// to whatever serves the function now.
            case retired
            /// The request waited past its deadline and no worker became free.
            case waitExpired
            /// The function's workers keep failing and no worker is alive: the last error, and when the next
            /// attempt will be made.
            case failing(WorkerError, retryIn: Duration)
            /// The last worker failed to start and none may be spawned yet: its error.
            case startFailed(WorkerError)
        }

        /// Something for the pool to do, outside the lock.
        enum Action: Sendable {
            /// Hand this worker to the waiting request; `initDuration` is the worker's start-up time when the
            /// request waited for it to start (a cold start).
            case dispatch(Handle, to: Waiter, initDuration: Duration?)
            /// Turn the waiting request away.
            case reject(Waiter, Rejection)
            /// Start the worker with this id.
            case spawn(Int)
            /// Ask the worker to exit.
            case stop(Handle)
            /// Kill the worker at once.
            case kill(Handle, Worker.KillReason)
            /// Read the busy worker's resident memory and report it with ``memorySampled(_:usedKB:)``.
            case sampleMemory(Int, Handle)
            /// A worker failed (it was not stopped on purpose): log it.
            case reportFailure(WorkerError, WorkerExit)
            /// The ticker is parked and there is work for it again: wake it.
            case wakeTicker
            /// Nothing needs the ticker: park it until ``wakeTicker``.
            case parkTicker
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
            /// The resident memory a busy worker may use, in KiB; nil leaves memory unwatched.
            var memoryLimitKB: Int? = nil
            /// How many invocations one worker runs at once: its slots.
            var concurrency = 1
        }

        /// Counters since the pool started, for status displays.
        struct Counters: Sendable, Equatable {
            /// Invocations that waited for a new worker.
            var coldStarts = 0
            /// Invocations turned away (queue full, waited too long, the function failing, or shutting down).
            var throttles = 0
            /// Workers started.
            var spawned = 0
        }

        /// One worker's entry.
        struct Slot: Sendable {
            /// What it is doing.
            var state: WorkerState
            /// The worker, once it has been prepared.
            var handle: Handle?
            /// When its start began.
            var spawnedAt: ContinuousClock.Instant
            /// When it first asked for work.
            var readyAt: ContinuousClock.Instant?
            /// How many invocations it was handed.
            var invocations = 0
            /// How many of its slots ask for work.
            var free = 0
            /// The error it reported while initialising, if any.
            var initError: WorkerError?
            /// When each response it is streaming must be finished, by invocation id.
            var streamDeadlines: [String: ContinuousClock.Instant] = [:]
        }

        /// A request waiting for a worker.
        struct Waiting: Sendable {
            var waiter: Waiter
            var arrivedAt: ContinuousClock.Instant
            var deadline: ContinuousClock.Instant
        }

        /// A cold start's expected length before any worker of the function has started.
        static var assumedColdStart: Duration { .milliseconds(10) }

        /// The limits the machine keeps; a reload may change them in place (``limitsChanged(_:now:)``).
        private(set) var limits: Limits
        /// Every live worker, by id.
        private(set) var slots: [Int: Slot] = [:]
        /// Idle workers with the instant they became idle: those that never served an invocation first, then the
        /// others from the least to the most recently used (taken from the end).
        private(set) var idle: [(id: Int, since: ContinuousClock.Instant)] = []
        /// Busy workers with a slot that asks for work (with a `concurrency` above 1).
        private(set) var roomy: Set<Int> = []
        /// Requests waiting for a worker, oldest first.
        private(set) var waiters = CircularBuffer<Waiting>()
        /// Whether the pool is shutting down (or retired).
        private(set) var isShuttingDown = false
        /// Whether the pool was retired by a reload: it takes no request, and its workers stop once they are idle.
        private(set) var isRetired = false
        /// Whether the ticker has nothing left to do: the pool shut down, or was retired and its last worker is gone.
        var isFinished: Bool { isShuttingDown && (!isRetired || slots.isEmpty) }
        /// Whether the ticker is parked: nothing needs time to pass.
        private(set) var isTickerParked = false
        /// The circuit breaker for failing workers.
        private(set) var backoff = StartBackoff()
        /// The load-based sizing.
        private(set) var autoscaler = Autoscaler()
        /// The average run time of an invocation (an exponentially weighted moving average).
        private(set) var averageRun: Duration?
        /// The average time a new worker takes to become ready.
        private(set) var averageColdStart: Duration?
        /// Counters since the pool started.
        private(set) var counters = Counters()
        private var arrivalsSinceTick = 0
        private var nextWorkerID = 0

        /// Creates the state of an empty pool; its load windows follow `limits.idleTimeout` (a pool remembers its
        /// load as long as it keeps idle workers).
        init(limits: Limits) {
            self.limits = limits
            autoscaler.stableWindow = Swift.max(limits.idleTimeout, .seconds(1))
            autoscaler.panicWindow = autoscaler.stableWindow / 10
            autoscaler.slotsPerWorker = limits.concurrency
        }

        /// The state of every live worker, by id.
        var workers: [Int: WorkerState] { slots.mapValues(\.state) }

        /// How many workers are in `state`.
        func count(_ state: WorkerState) -> Int {
            slots.values.count { $0.state == state }
        }

        /// Workers that are not being stopped.
        var liveWorkers: Int { slots.count - count(.stopping) }

        /// The slots of the busy workers that do not ask for work: invocations running, or just finished in a slot
        /// that has not asked for the next yet.
        var slotsInUse: Int {
            slots.values.reduce(0) { $0 + ($1.state == .busy ? limits.concurrency - $1.free : 0) }
        }

        // MARK: Events

        /// The pool starts at `now`: spawn workers up to the minimum.
        mutating func ensureMinimum(now: ContinuousClock.Instant) -> [Action] {
            guard !isShuttingDown else { return [] }
            var actions: [Action] = []
            while liveWorkers < limits.min && slots.count < limits.max {
                actions.append(.spawn(newWorker(now: now)))
            }
            return actions
        }

        /// A request arrived at `now`; it waits for a worker until `deadline` at the latest. Of the workers with a
        /// free slot, it takes one that `isNear` accepts if there is one (the pool prefers a worker on the request's
        /// own event loop: no thread hop there and back).
        mutating func requestArrived(
            _ waiter: Waiter,
            deadline: ContinuousClock.Instant,
            now: ContinuousClock.Instant,
            preferring isNear: (Handle) -> Bool = { _ in true }
        )
            -> [Action]
        {
            guard !isShuttingDown else { return reject(waiter, isRetired ? .retired : .shuttingDown) }
            arrivalsSinceTick += 1
            var actions = wakeTicker()
            if let id = workerWithFreeSlot(preferring: isNear) {
                actions.append(dispatch(id, to: Waiting(waiter: waiter, arrivedAt: now, deadline: deadline)))
                return actions
            }
            if liveWorkers == 0, !backoff.allowsSpawn(now: now), let error = backoff.lastError,
                let retryAt = backoff.retryAt
            {
                return actions + reject(waiter, .failing(error, retryIn: retryAt - now))
            }
            guard waiters.count < limits.maxWaiting else { return actions + reject(waiter, .queueFull) }
            waiters.append(Waiting(waiter: waiter, arrivedAt: now, deadline: deadline))
            return actions + spawnsForWaiters(now: now).map(Action.spawn)
        }

        /// Worker `id` was prepared at `now` and its process is about to start: `handle` reaches it.
        mutating func workerStarted(_ id: Int, handle: Handle, now: ContinuousClock.Instant) -> [Action] {
            guard slots[id] != nil, slots[id]?.state != .stopping, !isShuttingDown else {
                slots[id]?.handle = handle
                return [.stop(handle)]
            }
            slots[id]!.handle = handle
            slots[id]!.spawnedAt = now
            counters.spawned += 1
            return []
        }

        /// A slot of worker `id` asked for work at `now` (the first time: the worker is initialised).
        mutating func workerReady(_ id: Int, now: ContinuousClock.Instant) -> [Action] {
            guard var slot = slots[id], let handle = slot.handle else { return [] }
            guard slot.state != .stopping else { return [.stop(handle)] }
            slot.free = Swift.min(slot.free + 1, limits.concurrency)
            guard !isShuttingDown else {
                // A retired pool's busy worker stops once every slot has answered.
                slots[id] = slot
                return slot.free == limits.concurrency ? stopWorker(id) : []
            }
            let wasStarting = slot.state == .starting
            if wasStarting {
                backoff.workerReady()
                slot.readyAt = now
                averageColdStart = Self.average(averageColdStart, now - slot.spawnedAt)
            }
            slots[id] = slot
            if let waiting = waiters.popFirst() {
                return [dispatch(id, to: waiting)]
            }
            guard slot.free == limits.concurrency else {
                slots[id]!.state = .busy
                roomy.insert(id)
                return []
            }
            slots[id]!.state = .idle
            roomy.remove(id)
            // A worker that has served nothing yet has no warm caches: it goes behind the ones that have.
            if wasStarting {
                idle.insert((id, now), at: 0)
            } else {
                idle.append((id, now))
            }
            return []
        }

        /// Worker `id` reported that it failed to initialise, with `error`; it is expected to exit.
        mutating func workerInitFailed(_ id: Int, error: WorkerError) {
            slots[id]?.initError = error
        }

        /// An invocation ran for `runTime` and its worker answered it.
        mutating func invocationAnswered(runTime: Duration) {
            averageRun = Self.average(averageRun, runTime)
            backoff.invocationAnswered()
        }

        /// Worker `id` began streaming its response to `invocation`, which must be finished by `deadline`.
        mutating func streamStarted(_ id: Int, invocation: String, deadline: ContinuousClock.Instant) {
            slots[id]?.streamDeadlines[invocation] = deadline
        }

        /// Worker `id`'s streamed response to `invocation` ended after `runTime`; `answered` is false when the worker
        /// died first.
        mutating func streamEnded(_ id: Int, invocation: String, runTime: Duration, answered: Bool) {
            slots[id]?.streamDeadlines[invocation] = nil
            if answered { invocationAnswered(runTime: runTime) }
        }

        /// The budget had no room for worker `id`: forget it (a later tick or request tries again).
        mutating func spawnDenied(_ id: Int) {
            slots[id] = nil
        }

        /// Worker `id` exited at `now` as `exit` says; `onPurpose` when the pool stopped or killed it.
        mutating func workerExited(
            _ id: Int,
            exit: WorkerExit,
            onPurpose: Bool,
            now: ContinuousClock.Instant
        )
            -> [Action]
        {
            guard let slot = slots.removeValue(forKey: id) else { return [] }
            idle.removeAll { $0.id == id }
            roomy.remove(id)
            var actions: [Action] = []
            var failure: WorkerError?
            if !onPurpose {
                let error =
                    slot.initError ?? WorkerError(type: "Runtime.ExitError", message: Self.failure(exit, of: slot))
                backoff.failed(error, atStart: slot.state == .starting, now: now)
                actions.append(.reportFailure(error, exit))
                failure = error
            }
            guard !isShuttingDown else { return actions }
            actions += wakeTicker()
            guard !waiters.isEmpty else { return actions }
            if liveWorkers == 0, !backoff.allowsSpawn(now: now), let error = failure ?? backoff.lastError {
                let failed = waiters
                waiters.removeAll()
                return actions + failed.flatMap { reject($0.waiter, .startFailed(error)) }
            }
            return actions + spawnsForWaiters(now: now).map(Action.spawn)
        }

        /// Worker `id`'s resident memory was sampled at `usedKB`: a busy worker past the limit is killed.
        mutating func memorySampled(_ id: Int, usedKB: Int) -> [Action] {
            guard let limit = limits.memoryLimitKB, usedKB > limit, let slot = slots[id], slot.state == .busy,
                let handle = slot.handle
            else { return [] }
            return [.kill(handle, .memory(usedKB: usedKB))]
        }

        /// Time passed: throttles expired waits, kills streams past their deadline, asks for the busy workers'
        /// memory, samples the load, spawns or retires workers to fit it, and parks the ticker when nothing needs it.
        mutating func tick(now: ContinuousClock.Instant) -> [Action] {
            var actions: [Action] = []
            while let first = waiters.first, first.deadline <= now {
                actions += reject(waiters.removeFirst().waiter, .waitExpired)
            }
            // A retired pool still watches its busy workers' streams and memory until they have answered.
            guard !isShuttingDown || isRetired else { return actions }
            for (id, slot) in slots where slot.state == .busy {
                guard let handle = slot.handle else { continue }
                if slot.streamDeadlines.values.contains(where: { $0 <= now }) {
                    slots[id]!.streamDeadlines.removeAll()
                    actions.append(.kill(handle, .timeout))
                } else if limits.memoryLimitKB != nil {
                    actions.append(.sampleMemory(id, handle))
                }
            }
            guard !isRetired else { return actions }
            autoscaler.record(now: now, demand: slotsInUse + waiters.count, arrivals: arrivalsSinceTick)
            arrivalsSinceTick = 0
            let wanted = autoscaler.desiredWorkers(now: now, current: liveWorkers, averageRun: averageRun)
            let desired = Swift.min(Swift.max(wanted, limits.min), limits.max)

            actions += spawnsForWaiters(now: now).map(Action.spawn)
            if backoff.allowsSpawn(now: now) {
                while liveWorkers < desired && slots.count < limits.max {
                    actions.append(.spawn(newWorker(now: now)))
                }
            }
            // Retire at most one worker a tick, the one idle the longest, and never during a burst.
            if !autoscaler.isPanicking(now: now), liveWorkers > Swift.max(limits.min, desired),
                let oldest = idle.indices.min(by: { idle[$0].since < idle[$1].since }),
                now - idle[oldest].since >= limits.idleTimeout
            {
                actions += stopWorker(idle.remove(at: oldest).id)
            }
            if isQuiet(now: now) {
                isTickerParked = true
                actions.append(.parkTicker)
            }
            return actions
        }

        /// The limits changed at `now` (a reload changed the function's scaling): the next ticks size the pool to
        /// them, and workers beyond a lower maximum stop as they become idle.
        mutating func limitsChanged(_ limits: Limits, now: ContinuousClock.Instant) -> [Action] {
            self.limits = limits
            autoscaler.slotsPerWorker = limits.concurrency
            guard !isShuttingDown else { return [] }
            var actions = wakeTicker()
            while liveWorkers > limits.max, let (id, _) = idle.popLast() {
                actions += stopWorker(id)
            }
            return actions + ensureMinimum(now: now)
        }

        /// A reload replaced the pool: the waiting requests are turned away as ``Rejection/retired`` (to be run by
        /// what serves the function now), idle and starting workers stop, and busy ones stop once they have
        /// answered (bounded by their timeouts). No worker is started again.
        mutating func retire() -> [Action] {
            guard !isShuttingDown else { return [] }
            isRetired = true
            return stopAll(rejectingWaitersAs: .retired, stoppingBusy: false)
        }

        /// The pool is shutting down: turns the waiting requests away and stops every worker (a retired pool's busy
        /// workers stop as they answer, as ``retire()`` decided).
        mutating func shutDown() -> [Action] {
            guard !isRetired else { return [] }
            return stopAll(rejectingWaitersAs: .shuttingDown, stoppingBusy: true)
        }

        /// Takes the pool out of service: turns the waiting requests away as `rejection`, and stops the workers (the
        /// busy ones too when `stoppingBusy`).
        private mutating func stopAll(rejectingWaitersAs rejection: Rejection, stoppingBusy: Bool) -> [Action] {
            isShuttingDown = true
            var actions = wakeTicker()
            let waiting = waiters
            waiters.removeAll()
            for waiting in waiting {
                actions += reject(waiting.waiter, rejection)
            }
            idle.removeAll()
            roomy.removeAll()
            for id in slots.keys.sorted() where stoppingBusy || slots[id]!.state != .busy {
                actions += stopWorker(id)
            }
            return actions
        }

        /// Marks worker `id` as stopping; the action that stops it, once it has a handle to stop.
        private mutating func stopWorker(_ id: Int) -> [Action] {
            slots[id]!.state = .stopping
            return slots[id]!.handle.map { [.stop($0)] } ?? []
        }

        // MARK: Decisions

        /// A worker with a slot that asks for work, taken out of the idle list or the busy ones with room: a busy
        /// worker first (the fullest, so that the others go idle and can be retired), else the idle worker used most
        /// recently; among them, one that `isNear` accepts first.
        private mutating func workerWithFreeSlot(preferring isNear: (Handle) -> Bool) -> Int? {
            let slots = self.slots
            func near(_ id: Int) -> Bool { slots[id]!.handle.map(isNear) ?? false }
            func fuller(_ a: Int, _ b: Int) -> Bool { (slots[a]!.free, a) < (slots[b]!.free, b) }
            if !roomy.isEmpty, let id = roomy.filter(near).min(by: fuller) ?? roomy.min(by: fuller) {
                return id
            }
            let index = idle.lastIndex { near($0.id) } ?? idle.indices.last
            return index.map { idle.remove(at: $0).id }
        }

        /// Hands worker `id` the request `waiting` in one of its free slots; a request that waited for this worker's
        /// start is a cold start.
        private mutating func dispatch(_ id: Int, to waiting: Waiting) -> Action {
            let slot = slots[id]!
            slots[id]!.invocations += 1
            slots[id]!.free -= 1
            slots[id]!.state = .busy
            if slots[id]!.free > 0 {
                roomy.insert(id)
            } else {
                roomy.remove(id)
            }
            var initDuration: Duration?
            if slot.invocations == 0, let readyAt = slot.readyAt, readyAt > waiting.arrivedAt {
                initDuration = readyAt - slot.spawnedAt
                counters.coldStarts += 1
            }
            guard let handle = slot.handle else {
                preconditionFailure("worker \(id) is \(slot.state) without a handle")
            }
            return .dispatch(handle, to: waiting.waiter, initDuration: initDuration)
        }

        private mutating func reject(_ waiter: Waiter, _ rejection: Rejection) -> [Action] {
            switch rejection {
            case .startFailed, .retired: break
            default: counters.throttles += 1
            }
            return [.reject(waiter, rejection)]
        }

        /// Unparks the ticker: something happened that may need time to pass.
        private mutating func wakeTicker() -> [Action] {
            guard isTickerParked else { return [] }
            isTickerParked = false
            return [.wakeTicker]
        }

        /// Whether nothing needs time to pass: no request waits, no worker starts, runs or is stopped, the pool is at
        /// its minimum, and its load window has seen no load (so waking later loses no sample that matters).
        private func isQuiet(now: ContinuousClock.Instant) -> Bool {
            waiters.isEmpty && slots.values.allSatisfy { $0.state == .idle } && slots.count <= limits.min
                && autoscaler.isCalm(now: now)
        }

        /// New workers for the waiting requests that no starting worker will take, unless a busy worker is expected
        /// to free up for them sooner than a new one could start (a short function serves a burst faster on the
        /// workers it has than by paying cold starts).
        private mutating func spawnsForWaiters(now: ContinuousClock.Instant) -> [Int] {
            guard backoff.allowsSpawn(now: now) else { return [] }
            var uncovered = waiters.count - count(.starting) * limits.concurrency
            if let run = averageRun, run > .zero {
                let coldStart = averageColdStart ?? Self.assumedColdStart
                uncovered -= slotsInUse * Int(coldStart / run)
            }
            var spawned: [Int] = []
            while uncovered > 0 && slots.count < limits.max {
                spawned.append(newWorker(now: now))
                uncovered -= limits.concurrency
            }
            return spawned
        }

        /// A new worker's entry, decided at `now`.
        private mutating func newWorker(now: ContinuousClock.Instant) -> Int {
            defer { nextWorkerID += 1 }
            slots[nextWorkerID] = Slot(state: .starting, spawnedAt: now)
            return nextWorkerID
        }

        /// Why a worker in `slot` that ended as `exit` failed, in words.
        private static func failure(_ exit: WorkerExit, of slot: Slot) -> String {
            if case .notStarted(let reason) = exit { return "the worker could not be started: \(reason)" }
            return slot.state == .starting
                ? "the worker exited with \(exit) before it was ready" : InvocationFailure.crashMessage(exit)
        }

        /// An exponentially weighted moving average that weighs the newest sample by a fifth.
        private static func average(_ current: Duration?, _ sample: Duration) -> Duration {
            guard let current else { return sample }
            return current * 0.8 + sample * 0.2
        }
    }
}

extension WorkerPool.StateMachine.Action: Equatable where Handle: Equatable, Waiter: Equatable {}
