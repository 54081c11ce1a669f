import Logging
import ServiceLifecycle

/// Rings a queue's ``Doorbell`` when one of its messages becomes visible by itself: a retry whose delay passed, a
/// lease that expired, a message another process enqueued. One watcher serves every queue of a store with one query
/// at a time, so idle consumers wait at their doorbells without reading the database: the cost of an idle invoker
/// does not grow with its number of queues.
///
/// It looks when the earliest message it knows of is due, at least every ``QueueStore/pollInterval``, and at once
/// when a message's visibility moved later in this process.
struct VisibilityWatcher: Sendable {
    /// Where the messages are.
    let store: any QueueStore
    /// The watcher's logger.
    let logger: Logger

    /// Watches until graceful shutdown or cancellation.
    func run() async {
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let mark = store.arrivals.mark(Doorbell.visibilityChanged)
            var wait = store.pollInterval
            do {
                let now = EpochTime.nowMs()
                for (queue, visibleAt) in try await store.nextVisibleTimes() {
                    if visibleAt <= now {
                        store.arrivals.ring(queue)
                    } else {
                        wait = min(wait, .milliseconds(visibleAt - now))
                    }
                }
                failures = 0
            } catch {
                failures += 1
                logger.error("Reading when messages become visible failed", metadata: [LogKey.error: "\(error)"])
                wait = store.pollInterval * min(failures, 10)
            }
            await store.arrivals.wait(Doorbell.visibilityChanged, after: mark, timeout: wait)
        }
    }
}
