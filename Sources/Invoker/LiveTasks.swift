import ServiceLifecycle

/// Runs work that arrives while it runs, until graceful shutdown, and then until that work is done: the worker pools
/// and queue consumers a reload adds run beside those of the start, and all of them see graceful shutdown at once
/// (a service group would stop them one after the other, which takes long with many functions).
///
/// ```swift
/// let tasks = LiveTasks()
/// tasks.add { await pool.run() }
/// await tasks.run()  // in a service
/// ```
final class LiveTasks: Sendable {
    private let added = AsyncStream<@Sendable () async -> Void>.makeStream()

    /// Creates an empty set of tasks.
    init() {}

    /// Runs `work` beside the others (from when ``run()`` starts, if it has not yet); work added after graceful
    /// shutdown began never runs.
    func add(_ work: @escaping @Sendable () async -> Void) {
        added.continuation.yield(work)
    }

    /// Runs the work added until graceful shutdown, then waits for it to end.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await work in added.stream.cancelOnGracefulShutdown() {
                group.addTask(operation: work)
            }
        }
    }
}
