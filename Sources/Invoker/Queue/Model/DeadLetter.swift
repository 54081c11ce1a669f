/// A message in a dead-letter queue: it was delivered as many times as its queue allows and failed every time.
struct DeadLetter: Sendable, Equatable {
    /// The message's id.
    var id: String
    /// The queue it failed in.
    var queue: String
    /// The body.
    var body: MessageBody
    /// The producer's attributes.
    var attributes: [String: MessageAttribute]
    /// When it was enqueued, in milliseconds since the Unix epoch.
    var sentAt: Int64
    /// How many times it was received.
    var receiveCount: Int
    /// When it moved to the dead-letter queue, in milliseconds since the Unix epoch.
    var failedAt: Int64
    /// Why its last delivery failed.
    var lastError: String
}
