import ServiceLifecycle

/// Every consumer of a store, and the watcher that wakes them, run as one service: consumers are added as
/// deployments make them, and all see graceful shutdown at once and settle their batches side by side.
struct QueueConsumers: Service {
    /// Wakes idle consumers when their messages become visible.
    let watcher: VisibilityWatcher
    private let tasks = LiveTasks()

    /// Consumers woken by `watcher`.
    init(watcher: VisibilityWatcher) {
        self.watcher = watcher
    }

    /// Runs `consumer` until graceful shutdown or its ``QueueConsumer/stop()``.
    func start(_ consumer: QueueConsumer) {
        tasks.add { await consumer.run() }
    }

    /// Runs the watcher and the consumers until graceful shutdown, then waits for the batches in flight.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await watcher.run() }
            group.addTask { await tasks.run() }
        }
    }
}
