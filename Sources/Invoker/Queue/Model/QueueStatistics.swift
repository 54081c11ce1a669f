/// The state of one queue, as `invoker queue list` and `GET /system/queues` show it.
struct QueueStatistics: Codable, Sendable, Equatable {
    /// The queue's name.
    var name: String
    /// The function that consumes it; nil for a queue no registered function consumes any more.
    var function: String?
    /// How messages get into it; nil when it is not registered.
    var kind: QueueDefinition.Kind?
    /// Messages visible now, waiting for a consumer.
    var depth: Int
    /// Messages leased by a consumer whose lease has not expired.
    var inFlight: Int
    /// Messages that failed and wait for their retry.
    var delayed: Int
    /// Messages in its dead-letter queue.
    var deadLetters: Int
    /// How long ago the oldest message still in the queue was sent, in seconds; nil when it is empty.
    var oldestAgeSeconds: Double?
}
