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
