/// A leased message that failed, and why.
struct QueueFailure: Sendable, Equatable {
    /// The lease of the message.
    var receipt: QueueReceipt
    /// The error, kept with the message when it moves to the dead-letter queue.
    var error: String
}
