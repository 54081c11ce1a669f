import Logging
import PostgresNIO
import ServiceLifecycle

/// Listens for the `NOTIFY` every node sends when it enqueues or redrives messages, and rings the store's
/// ``QueueStore/arrivals`` doorbell for the queue named, so idle consumers on this node lease at once instead of at
/// the next poll. Only a hint: a lost connection loses notifications, which the ``VisibilityWatcher``'s polling
/// covers; the listener reconnects with backoff.
struct PostgresNotificationListener: Service {
    /// The store whose doorbell is rung.
    let store: PostgresQueueStore
    /// The listener's logger.
    let logger: Logger

    /// Listens until graceful shutdown or cancellation.
    func run() async {
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                try await cancelWhenGracefulShutdown {
                    try await store.database.withConnection { connection in
                        try await connection.listen(on: PostgresQueueStore.notificationChannel) { notifications in
                            for try await notification in notifications {
                                store.arrivals.ring(notification.payload)
                            }
                        }
                    }
                }
            } catch {
                guard !Task.isShuttingDownGracefully && !Task.isCancelled else { return }
                // A connection that held a while starts the backoff over.
                failures = ContinuousClock.now - started > .seconds(10) ? 1 : failures + 1
                logger.warning(
                    "Listening for queue notifications failed; polling meanwhile",
                    metadata: [LogKey.error: "\(SharedDatabaseError.reason(error))"]
                )
            }
            let delay = Duration.milliseconds(100) * (1 << min(failures, 6))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
        }
    }
}
