/// A circuit breaker for a function whose workers keep failing, at start or under their invocations.
///
/// The first failure costs nothing (a fresh worker is tried at once: one crash should not turn callers away). From the
/// second failure in a row on, the next spawn waits, twice as long each time, from ``initialDelay`` up to
/// ``maximumDelay``; meanwhile, when no worker is alive, callers get the last error at once instead of causing a spawn
/// storm. A worker that becomes ready clears failures at start; a worker that answers an invocation clears all.
struct StartBackoff: Sendable {
    /// The wait after the second failure in a row.
    var initialDelay: Duration = .milliseconds(100)
    /// The longest wait.
    var maximumDelay: Duration = .seconds(30)

    /// How many failures in a row there have been.
    private(set) var consecutiveFailures = 0
    /// The error of the last failure.
    private(set) var lastError: WorkerError?
    /// When the next spawn may be tried; nil when it may be tried now.
    private(set) var retryAt: ContinuousClock.Instant?
    private var lastFailureWasAtStart = false

    /// The circuit's state, as status displays show it.
    enum State: String, Sendable {
        /// No failure: workers spawn as needed.
        case closed
        /// Failures in a row, and the next spawn must wait: callers find no live worker turned away at once.
        case open
        /// Failures in a row, and a worker may be tried now.
        case halfOpen = "half-open"
    }

    /// Creates a closed circuit.
    init() {}

    /// The circuit's state at `now`.
    func state(now: ContinuousClock.Instant) -> State {
        guard consecutiveFailures > 0 else { return .closed }
        return allowsSpawn(now: now) ? .halfOpen : .open
    }

    /// Whether a worker may be spawned now.
    func allowsSpawn(now: ContinuousClock.Instant) -> Bool {
        retryAt.map { now >= $0 } ?? true
    }

    /// A worker failed with `error`, before it was ready (`atStart`) or under an invocation.
    mutating func failed(_ error: WorkerError, atStart: Bool, now: ContinuousClock.Instant) {
        consecutiveFailures += 1
        lastError = error
        lastFailureWasAtStart = atStart
        guard consecutiveFailures > 1 else { return }
        var delay = initialDelay
        for _ in 2..<consecutiveFailures where delay < maximumDelay {
            delay *= 2
        }
        retryAt = now + min(delay, maximumDelay)
    }

    /// A worker became ready: failures to start are over.
    mutating func workerReady() {
        if lastFailureWasAtStart { reset() }
    }

    /// A worker answered an invocation: the function works.
    mutating func invocationAnswered() {
        reset()
    }

    private mutating func reset() {
        consecutiveFailures = 0
        lastError = nil
        retryAt = nil
        lastFailureWasAtStart = false
    }
}
