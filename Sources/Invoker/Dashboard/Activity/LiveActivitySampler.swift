import ServiceLifecycle

/// Notes each function's live workers in its time series once a second, off the request path, until graceful
/// shutdown. The pools are read anew each time, so functions added or removed while the invoker runs are followed.
struct LiveActivitySampler: Service {
    /// How often the workers are sampled.
    static let interval: Duration = .seconds(1)

    /// Where the samples go.
    let activity: LiveActivity
    /// The pools now.
    let pools: @Sendable () -> [WorkerPool]

    func run() async {
        while !Task.isShuttingDownGracefully {
            sampleOnce(second: LiveActivity.currentSecond())
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.interval) }
            } catch {
                return
            }
        }
    }

    /// Notes every pool's workers as of `second`.
    func sampleOnce(second: Int64) {
        for pool in pools() {
            let status = pool.status
            activity.sample(
                WorkerCounts(starting: status.starting, idle: status.idle, busy: status.busy),
                of: pool.function.name,
                second: second
            )
        }
    }
}
