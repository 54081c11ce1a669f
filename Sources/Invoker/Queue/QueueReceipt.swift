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
