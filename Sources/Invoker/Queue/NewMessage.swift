/// A message to enqueue: its body, the attributes the producer attached, and for an asynchronous invocation where
/// to send the result.
struct NewMessage: Sendable, Equatable {
    /// The body.
    var body: MessageBody
    /// The producer's attributes, by name.
    var attributes: [String: MessageAttribute] = [:]
    /// Where the result of an asynchronous invocation is posted, if anywhere.
    var callbackURL: String? = nil

    /// The size the queue's limit applies to: the body plus the attributes' names, types and values, as SQS counts.
    var size: Int {
        body.bytes.count + attributes.reduce(0) { $0 + $1.key.utf8.count + $1.value.size }
    }
}
