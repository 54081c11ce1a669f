import Testing

@testable import Invoker

/// The autoscaler's sizing, fed one sample a second at explicit instants: no clock, no sleeping.
///
/// With the defaults: a target utilisation of 0.7, a stable window of 60 s, a panic window of 6 s and a panic
/// threshold of 2.
@Suite("Autoscaler")
struct AutoscalerTests {
    let t0 = ContinuousClock.now

    /// The instant `seconds` after ``t0``.
    func at(_ seconds: Int) -> ContinuousClock.Instant { t0 + .seconds(seconds) }

    /// Records `demand` and `arrivals` at each second of `seconds`.
    func record(
        _ autoscaler: inout Autoscaler,
        seconds: ClosedRange<Int>,
        demand: Int,
        arrivals: Int = 0
    ) {
        for second in seconds {
            autoscaler.record(now: at(second), demand: demand, arrivals: arrivals)
        }
    }

    @Test("a steady load gets enough workers to keep them 70% busy, rounded up")
    func steadyLoadWithHeadroom() {
        var autoscaler = Autoscaler()
        record(&autoscaler, seconds: 1...60, demand: 7)
        // 7 / 0.7 = 10 workers exactly.
        #expect(autoscaler.desiredWorkers(now: at(60), current: 10, averageRun: nil) == 10)

        var busier = Autoscaler()
        record(&busier, seconds: 1...60, demand: 8)
        // 8 / 0.7 = 11.4: rounded up to 12, never down to 11.
        #expect(busier.desiredWorkers(now: at(60), current: 12, averageRun: nil) == 12)
        #expect(!busier.isPanicking(now: at(60)))
    }

    @Test("a lower target utilisation keeps more headroom")
    func targetUtilization() {
        var autoscaler = Autoscaler()
        autoscaler.targetUtilization = 0.5
        record(&autoscaler, seconds: 1...60, demand: 7)
        #expect(autoscaler.desiredWorkers(now: at(60), current: 14, averageRun: nil) == 14)
    }

    @Test("no samples, or no demand, wants no worker")
    func noLoad() {
        var empty = Autoscaler()
        #expect(empty.desiredWorkers(now: at(0), current: 3, averageRun: .milliseconds(40)) == 0)
        var idle = Autoscaler()
        record(&idle, seconds: 1...60, demand: 0)
        #expect(idle.desiredWorkers(now: at(60), current: 3, averageRun: .milliseconds(40)) == 0)
    }

    @Test("without a panic, the size follows the stable average down as the load falls, to zero")
    func smoothedScaleDown() {
        var autoscaler = Autoscaler()
        record(&autoscaler, seconds: 1...60, demand: 7)
        #expect(autoscaler.desiredWorkers(now: at(60), current: 10, averageRun: nil) == 10)
        record(&autoscaler, seconds: 61...90, demand: 0)
        // Seconds 31...60 at 7 and 61...90 at 0: an average of 3.5, so 5 workers, not 0 at once.
        #expect(autoscaler.desiredWorkers(now: at(90), current: 10, averageRun: nil) == 5)
        record(&autoscaler, seconds: 91...120, demand: 0)
        #expect(autoscaler.desiredWorkers(now: at(120), current: 5, averageRun: nil) == 0)
    }

    @Test("a burst panics: the size jumps to the short window's demand and does not shrink for a stable window")
    func panicOnBurst() {
        var autoscaler = Autoscaler()
        record(&autoscaler, seconds: 1...60, demand: 1)
        // 1 / 0.7: 2 workers.
        #expect(autoscaler.desiredWorkers(now: at(60), current: 2, averageRun: nil) == 2)

        autoscaler.record(now: at(61), demand: 25, arrivals: 0)
        // The panic window holds seconds 56...61: (5 × 1 + 25) / 6 = 5, so 8 workers, at least twice the 2 there
        // are. The stable window's average, (59 × 1 + 25) / 60 = 1.4, alone would want only 2.
        #expect(autoscaler.desiredWorkers(now: at(61), current: 2, averageRun: nil) == 8)
        #expect(autoscaler.isPanicking(now: at(61)))

        // The burst is over at once, but the pool keeps its 8 workers until a stable window after the panic began.
        var sizes: [Int] = []
        for second in 62...120 {
            autoscaler.record(now: at(second), demand: 1, arrivals: 0)
            sizes.append(autoscaler.desiredWorkers(now: at(second), current: 8, averageRun: nil))
        }
        #expect(sizes == Array(repeating: 8, count: sizes.count))
        #expect(autoscaler.isPanicking(now: at(120)))
    }

    @Test("once a stable window has passed calmly after a panic, the size returns to the stable demand")
    func calmDownAfterPanic() {
        var autoscaler = Autoscaler()
        record(&autoscaler, seconds: 1...60, demand: 1)
        #expect(autoscaler.desiredWorkers(now: at(60), current: 2, averageRun: nil) == 2)
        autoscaler.record(now: at(61), demand: 25, arrivals: 0)
        #expect(autoscaler.desiredWorkers(now: at(61), current: 2, averageRun: nil) == 8)
        record(&autoscaler, seconds: 62...121, demand: 1)
        #expect(!autoscaler.isPanicking(now: at(121)))
        // The burst's sample (second 61) has left the stable window: 1 / 0.7, 2 workers.
        #expect(autoscaler.desiredWorkers(now: at(121), current: 8, averageRun: nil) == 2)
    }

    @Test("a rise to less than twice the workers does not panic: the stable average sizes the pool")
    func moderateRiseDoesNotPanic() {
        var autoscaler = Autoscaler()
        record(&autoscaler, seconds: 1...60, demand: 7)
        #expect(autoscaler.desiredWorkers(now: at(60), current: 10, averageRun: nil) == 10)
        autoscaler.record(now: at(61), demand: 14, arrivals: 0)
        // The panic window's (5 × 7 + 14) / 6 = 8.2 wants 12 workers, less than twice 10; the stable window's
        // (59 × 7 + 14) / 60 = 7.1 wants 11.
        #expect(autoscaler.desiredWorkers(now: at(61), current: 10, averageRun: nil) == 11)
        #expect(!autoscaler.isPanicking(now: at(61)))
    }

    @Test("arrivals times the average run time (Little's law) size the pool before the workers fill up")
    func littlesLaw() {
        var autoscaler = Autoscaler()
        // Nothing runs or waits yet when each sample is taken, but 10 invocations arrive every second.
        record(&autoscaler, seconds: 0...5, demand: 0, arrivals: 10)
        // The arrivals after the first sample, 50 over 5 s, are 10 a second; × 0.5 s each = 5 running at once; 5 / 0.7
        // = 7.1, so 8 workers.
        #expect(autoscaler.desiredWorkers(now: at(5), current: 8, averageRun: .milliseconds(500)) == 8)
        // Without an average run time (nothing has run yet), only the observed demand counts.
        var unknown = Autoscaler()
        record(&unknown, seconds: 0...5, demand: 0, arrivals: 10)
        #expect(unknown.desiredWorkers(now: at(5), current: 8, averageRun: nil) == 0)
    }

    @Test("the observed demand wins when it exceeds what the arrivals predict")
    func concurrencyBeatsArrivals() {
        var autoscaler = Autoscaler()
        record(&autoscaler, seconds: 0...5, demand: 7, arrivals: 1)
        // Arrivals: 1 a second × 0.1 s = 0.1 running; the observed 7 is larger: 10 workers.
        #expect(autoscaler.desiredWorkers(now: at(5), current: 10, averageRun: .milliseconds(100)) == 10)
    }
}
