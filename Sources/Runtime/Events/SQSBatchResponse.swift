/// What a queue-triggered function returns to report the messages of its batch that failed.
///
/// An empty list means every message succeeded; the failed messages are delivered again later, the others are
/// deleted. A function that throws fails the whole batch.
///
/// ```swift
/// return SQSBatchResponse(failedMessageIDs: failed)
/// ```
public struct SQSBatchResponse: Codable, Sendable, Equatable {
    /// One failed message.
    public struct ItemFailure: Codable, Sendable, Equatable {
        /// The failed message's ``SQSEvent/Message/messageId``.
        public var itemIdentifier: String

        /// Creates a failure for the message with id `itemIdentifier`.
        public init(itemIdentifier: String) {
            self.itemIdentifier = itemIdentifier
        }
    }

    /// The messages that failed.
    public var batchItemFailures: [ItemFailure]

    /// Creates a response listing `batchItemFailures`; the default says every message succeeded.
    public init(batchItemFailures: [ItemFailure] = []) {
        self.batchItemFailures = batchItemFailures
    }

    /// Creates a response listing the messages with the ids `failedMessageIDs`.
    public init(failedMessageIDs: some Sequence<String>) {
        self.batchItemFailures = failedMessageIDs.map(ItemFailure.init(itemIdentifier:))
    }
}
