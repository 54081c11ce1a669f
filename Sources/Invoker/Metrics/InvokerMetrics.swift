import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// The invoker's metrics, with OpenTelemetry-style names, made through an injected swift-metrics factory and exported
/// in the Prometheus text format at `/metrics`.
///
/// | Metric | Kind | Dimensions |
/// |---|---|---|
/// | `faas_invocations` | counter | function, trigger, status |
/// | `faas_invocation_duration` | histogram, seconds | function, status |
/// | `faas_invocation_init_duration` | histogram, seconds (cold starts) | function |
/// | `faas_invocation_wait` | histogram, seconds | function |
/// | `faas_cold_starts` | counter | function |
/// | `faas_throttles` | counter | function |
/// | `faas_auth_failures` | counter | function, reason |
/// | `faas_workers` | gauge | function, state (`starting`, `idle`, `busy`) |
/// | `faas_waiting_requests` | gauge | function |
/// | `invoker_log_backlog` | gauge | — |
/// | `invoker_log_dropped_records` | counter | — |
/// | `invoker_accept_failures` | counter | reason (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`) |
/// | `invoker_connection_limit_reached` | counter | — |
final class InvokerMetrics: Sendable {
    /// The registry `/metrics` reads.
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let handles = Mutex<[String: Handles]>([:])
    /// How many of the log's dropped records the counter holds: ``update(pools:log:)`` adds the ones since.
    private let countedDrops = Mutex(0)

    /// The metrics of one function with one trigger and status, made once and reused.
    private struct Handles: @unchecked Sendable {
        var invocations: CoreMetrics.Counter
        var duration: CoreMetrics.Timer
        var wait: CoreMetrics.Timer
        var throttles: CoreMetrics.Counter
        var coldStarts: CoreMetrics.Counter
        var initDuration: CoreMetrics.Timer
    }

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        factory.nameAndLabelSanitizer = { name, labels in
            (String(name.map { $0 == "." ? "_" : $0 }), labels)
        }
        self.factory = factory
    }

    /// Counts one recorded invocation.
    func record(_ record: InvocationRecord) {
        // A refused caller ran nothing: it is counted, without the durations and cold starts of a function.
        if record.status == .unauthorized {
            Counter(
                label: "faas.invocations",
                dimensions: [
                    ("function", record.function), ("trigger", record.trigger.rawValue),
                    ("status", record.status.rawValue),
                ],
                factory: factory
            )
            .increment()
            return
        }
        let key = "\(record.function)\u{0}\(record.trigger.rawValue)\u{0}\(record.status.rawValue)"
        let handles = self.handles.withLock { handles in
            if let existing = handles[key] { return existing }
            let function = [("function", record.function)]
            let made = Handles(
                invocations: Counter(
                    label: "faas.invocations",
                    dimensions: [
                        ("function", record.function), ("trigger", record.trigger.rawValue),
                        ("status", record.status.rawValue),
                    ],
                    factory: factory
                ),
                duration: Timer(
                    label: "faas.invocation.duration",
                    dimensions: [("function", record.function), ("status", record.status.rawValue)],
                    factory: factory
                ),
                wait: Timer(label: "faas.invocation.wait", dimensions: function, factory: factory),
                throttles: Counter(label: "faas.throttles", dimensions: function, factory: factory),
                coldStarts: Counter(label: "faas.cold_starts", dimensions: function, factory: factory),
                initDuration: Timer(label: "faas.invocation.init_duration", dimensions: function, factory: factory)
            )
            handles[key] = made
            return made
        }
        handles.invocations.increment()
        if record.status == .throttled {
            handles.throttles.increment()
            return
        }
        handles.duration.recordNanoseconds(Int64(record.durationMs * 1_000_000))
        handles.wait.recordNanoseconds(Int64(record.waitMs * 1_000_000))
        if record.cold, let initDuration = record.initDurationMs {
            handles.coldStarts.increment()
            handles.initDuration.recordNanoseconds(Int64(initDuration * 1_000_000))
        }
    }

    /// Counts a caller a route's authorizer refused, for `reason` (`missing`, `invalid`, `expired`, …).
    func authFailed(function: String, reason: String) {
        Counter(
            label: "faas.auth.failures",
            dimensions: [("function", function), ("reason", reason)],
            factory: factory
        )
        .increment()
    }

    /// Counts a connection the server could not accept, for `reason` (out of descriptors or socket memory).
    func acceptFailed(reason: String) {
        Counter(label: "invoker.accept.failures", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// Counts a time the HTTP server reached its connection limit and stopped accepting.
    func connectionLimitReached() {
        Counter(label: "invoker.connection_limit_reached", factory: factory).increment()
    }

    /// Sets the gauges that describe the present (each pool's workers and waiting requests, and the log's backlog),
    /// and brings the count of records the log dropped (its buffer full, or its writer stopped) up to date.
    func update(pools: [WorkerPool], log: InvocationLog) {
        for pool in pools {
            let status = pool.status
            let function = pool.function.name
            for (state, count) in [("starting", status.starting), ("idle", status.idle), ("busy", status.busy)] {
                Gauge(label: "faas.workers", dimensions: [("function", function), ("state", state)], factory: factory)
                    .record(count)
            }
            Gauge(label: "faas.waiting_requests", dimensions: [("function", function)], factory: factory)
                .record(status.waiting)
        }
        Gauge(label: "invoker.log.backlog", factory: factory).record(log.backlog)
        let dropped = log.droppedRecords
        let newDrops = countedDrops.withLock { counted in
            defer { counted = max(counted, dropped) }
            return dropped - counted
        }
        let drops = Counter(label: "invoker.log.dropped_records", factory: factory)
        if newDrops > 0 {
            drops.increment(by: newDrops)
        }
    }
}
