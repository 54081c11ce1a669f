/// How a queue's messages are leased and retried: how long a lease lasts, how many deliveries a message gets, and
/// how long a failed message waits before its next one (doubling each time).
///
/// ```swift
/// let policy = RetryPolicy(maxRetries: 3, visibilityTimeout: .seconds(30), retryDelay: .seconds(30))
/// policy.delay(afterReceive: 2)  // 60 seconds
/// ```
struct RetryPolicy: Sendable, Equatable {
    /// How many times a failed message is delivered again; after the last, it moves to the dead-letter queue.
    var maxRetries: Int
    /// How long a lease lasts: a message whose consumer neither acknowledges nor fails it in time is delivered again.
    var visibilityTimeout: Duration
    /// How long a message that failed its first delivery waits before its next; each further failure doubles it.
    var retryDelay: Duration
    /// The longest wait between deliveries (unless ``retryDelay`` is longer).
    var maxRetryDelay: Duration = .seconds(900)

    /// The most deliveries of one message.
    var maxReceives: Int { maxRetries + 1 }

    /// How long a message waits after its delivery number `receiveCount` failed.
    func delay(afterReceive receiveCount: Int) -> Duration {
        let doublings = min(max(receiveCount - 1, 0), 30)
        return min(retryDelay * (1 << doublings), max(maxRetryDelay, retryDelay))
    }
}
