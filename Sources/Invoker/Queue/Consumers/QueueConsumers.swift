import ServiceLifecycle

/// Every consumer of a store, and the watcher that wakes them, run as one service: they all see graceful shutdown
/// at once and settle their batches side by side (a service group would stop them one after the other, which takes
/// long with many functions).
struct QueueConsumers: Service {
    /// Wakes idle consumers when their messages become visible.
    let watcher: VisibilityWatcher
    /// One consumer per queue.
    let consumers: [QueueConsumer]

    /// Runs the watcher and the consumers until graceful shutdown, then waits for the batches in flight.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await watcher.run() }
            for consumer in consumers {
                group.addTask { await consumer.run() }
            }
        }
    }
}
