/// Everything the overview shows, as one document: rendered into the page and sent by the event stream each second
/// (`event: stats`), from which the open pages update their numbers and charts.
struct DashboardSnapshot: Codable, Sendable {
    /// One function now.
    struct Function: Codable, Sendable {
        /// Its name.
        var name: String
        /// Its HTTP routes, as `METHOD /path`.
        var routes: [String]
        /// The queue it consumes, if any.
        var queue: String?
        /// Its live workers.
        var workers: WorkerCounts
        /// Requests waiting for a worker.
        var waiting: Int
        /// Its scaling minimum.
        var minWorkers: Int
        /// Its scaling maximum.
        var maxWorkers: Int
        /// Its circuit breaker: `closed`, `open` (callers are turned away) or `half-open` (a worker is being tried).
        var breaker: String
        /// The last minute.
        var lastMinute: WindowSummary
        /// The last 15 minutes.
        var last15Minutes: WindowSummary
        /// The last few whole seconds, oldest first, for the charts: a page that missed a second (its events came
        /// late) still gets it.
        var points: [SeriesPoint]
    }

    /// When the snapshot was taken, in milliseconds since the Unix epoch.
    var time: Int64
    /// Every function, by name.
    var functions: [Function]
    /// Every queue; nil when the queue store could not be read.
    var queues: [QueueStatistics]?
    /// The nodes sharing the database; nil without cluster mode (or when they could not be read).
    var nodes: [NodeStatus]?
}
