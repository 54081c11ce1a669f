/// Decides how many workers a function should have from its recent load, the way Knative's autoscaler does: the
/// demand (invocations running plus waiting, and arrivals × average run time) averaged over a long stable window and
/// a short panic window, divided by a target utilisation so there is headroom before a burst peaks.
///
/// When the panic window's demand reaches twice the current workers, the autoscaler panics: it scales to that demand
/// at once and does not let the pool shrink until the load has been calm for a whole stable window. A pure value: the
/// pool feeds it one sample per tick with the time of the sample.
///
/// ```swift
/// var autoscaler = Autoscaler()
/// autoscaler.record(now: now, demand: busy + waiting, arrivals: arrivedSinceLastTick)
/// let wanted = autoscaler.desiredWorkers(now: now, current: workers, averageRun: .milliseconds(40))
/// ```
struct Autoscaler: Sendable {
    /// The share of workers that should be busy at the desired size; the rest is headroom.
    var targetUtilization = 0.7
    /// How far back the stable average looks.
    var stableWindow: Duration = .seconds(60)
    /// How far back the panic average looks.
    var panicWindow: Duration = .seconds(6)
    /// The ratio of panic demand to current workers that starts a panic.
    var panicThreshold = 2.0
    /// How many invocations one worker runs at once: the demand is counted in invocations, workers in slots.
    var slotsPerWorker = 1

    private var samples: [(time: ContinuousClock.Instant, demand: Int, arrivals: Int)] = []
    private var panicUntil: ContinuousClock.Instant?
    private var panicPeak = 0

    /// Creates an autoscaler with the default windows.
    init() {}

    /// Whether a panic (a burst) is in progress: the pool must not shrink.
    func isPanicking(now: ContinuousClock.Instant) -> Bool {
        panicUntil.map { now < $0 } ?? false
    }

    /// Whether the stable window has seen no load at all (no demand, no arrivals) and no burst is in progress:
    /// until load returns, further samples would change nothing.
    func isCalm(now: ContinuousClock.Instant) -> Bool {
        let horizon = now - stableWindow
        return !isPanicking(now: now)
            && samples.allSatisfy { $0.time <= horizon || ($0.demand == 0 && $0.arrivals == 0) }
    }

    /// Records one sample: the demand (running plus waiting invocations) now, and the arrivals since the last one.
    mutating func record(now: ContinuousClock.Instant, demand: Int, arrivals: Int) {
        samples.append((now, demand, arrivals))
        let horizon = now - stableWindow
        if let firstKept = samples.firstIndex(where: { $0.time > horizon }), firstKept > 0 {
            samples.removeFirst(firstKept)
        }
    }

    /// The number of workers the load calls for, given `current` workers and the average run time of an invocation
    /// (nil while none has run).
    mutating func desiredWorkers(
        now: ContinuousClock.Instant,
        current: Int,
        averageRun: Duration?
    ) -> Int {
        let stable = demand(since: now - stableWindow, now: now, averageRun: averageRun)
        let panic = demand(since: now - panicWindow, now: now, averageRun: averageRun)
        let stableDesired = workers(for: stable)
        let panicDesired = workers(for: panic)
        if Double(panicDesired) >= panicThreshold * Double(max(current, 1)) && panicDesired > current {
            panicUntil = now + stableWindow
            panicPeak = max(panicPeak, panicDesired)
        }
        guard isPanicking(now: now) else {
            panicPeak = 0
            return stableDesired
        }
        panicPeak = max(panicPeak, panicDesired)
        return max(panicPeak, stableDesired)
    }

    private func workers(for demand: Double) -> Int {
        demand <= 0 ? 0 : Int((demand / targetUtilization / Double(slotsPerWorker)).rounded(.up))
    }

    /// The average demand over the samples since `start`: the larger of the observed concurrency and the arrival
    /// rate times the average run time (Little's law), which sees a rising burst before the workers fill up.
    private func demand(
        since start: ContinuousClock.Instant,
        now: ContinuousClock.Instant,
        averageRun: Duration?
    ) -> Double {
        let window = samples.filter { $0.time > start }
        guard let first = window.first else { return 0 }
        let concurrency = Double(window.reduce(0) { $0 + $1.demand }) / Double(window.count)
        guard let averageRun, window.count > 1 else { return concurrency }
        let span = (now - first.time).seconds
        guard span > 0 else { return concurrency }
        let rate = Double(window.dropFirst().reduce(0) { $0 + $1.arrivals }) / span
        return max(concurrency, rate * averageRun.seconds)
    }
}
