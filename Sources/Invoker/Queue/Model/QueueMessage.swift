/// A leased message, as a consumer receives it.
struct QueueMessage: Sendable, Equatable {
    /// The message's id.
    var id: String
    /// The lease: acknowledge, fail or release the message with it.
    var receipt: QueueReceipt
    /// The body.
    var body: MessageBody
    /// The MD5 digest of the body, in lower-case hexadecimal.
    var md5OfBody: String
    /// The producer's attributes.
    var attributes: [String: MessageAttribute]
    /// Where the result of an asynchronous invocation is posted, if anywhere.
    var callbackURL: String?
    /// When it was enqueued, in milliseconds since the Unix epoch.
    var sentAt: Int64
    /// When it was first received, in milliseconds since the Unix epoch.
    var firstReceivedAt: Int64
    /// The error of its previous delivery, if it failed.
    var lastError: String?

    /// How many times it was received, this lease included.
    var receiveCount: Int { receipt.receiveCount }
}

/// Identifies one lease of a message: the message's position in the store and how many times it had been received
/// with this lease. Acknowledging or failing with a receipt whose message was leased again since has no effect.
struct QueueReceipt: Hashable, Sendable, CustomStringConvertible {
    /// The message's sequence number in the store.
    var sequence: Int64
    /// The message's receive count with this lease (1 for its first delivery).
    var receiveCount: Int

    /// The receipt handle the SQS event shows.
    var description: String { "\(sequence).\(receiveCount)" }
}

/// A leased message that failed, and why.
struct QueueFailure: Sendable, Equatable {
    /// The lease of the message.
    var receipt: QueueReceipt
    /// The error, kept with the message when it moves to the dead-letter queue.
    var error: String
}
