import Foundation

extension Dashboard {
    /// How many of the last seconds of each series a snapshot carries.
    static let snapshotSeconds = 3

    /// The state of every function, queue and node now, with the time series up to the last whole second.
    func snapshot() async -> DashboardSnapshot {
        let last = LiveActivity.currentSecond() - 1
        let functions = pools().map { pool in
            let function = pool.function
            let status = pool.status
            return DashboardSnapshot.Function(
                name: function.name,
                routes: function.routes.flatMap { route in (route.methods ?? ["ANY"]).map { "\($0) \(route.path)" } },
                queue: function.queue?.name,
                workers: WorkerCounts(starting: status.starting, idle: status.idle, busy: status.busy),
                waiting: status.waiting,
                minWorkers: function.scaling.min,
                maxWorkers: function.scaling.max,
                breaker: status.breaker.rawValue,
                lastMinute: activity.summary(of: function.name, seconds: 60, endingAt: last),
                last15Minutes: activity.summary(of: function.name, seconds: 900, endingAt: last),
                points: activity.points(of: function.name, count: Self.snapshotSeconds, endingAt: last)
            )
        }
        .sorted { $0.name < $1.name }
        let queueStatistics = try? await queues.statistics()
        var nodeList: [NodeStatus]?
        if let nodes { nodeList = try? await nodes() }
        return DashboardSnapshot(
            time: Int64(Date().timeIntervalSince1970 * 1000),
            functions: functions,
            queues: queueStatistics,
            nodes: nodeList
        )
    }
}
