import Logging

/// A handler for a queue trigger that takes its messages one at a time: a message whose `handle` throws is reported
/// as failed (and delivered again later), the others succeed.
///
/// ```swift
/// struct Thumbnail: QueueMessageHandler {
///     func handle(_ message: SQSEvent.Message, context: Context) async throws {
///         try await render(message.body)
///     }
/// }
/// ```
public protocol QueueMessageHandler: QueueHandler {
    /// Handles one message; throw to have it delivered again.
    func handle(_ message: SQSEvent.Message, context: Context) async throws
}

extension QueueMessageHandler {
    /// Handles the batch's messages in order and reports those that threw.
    public func handle(_ event: SQSEvent, context: Context) async throws -> SQSBatchResponse {
        var failed: [String] = []
        for message in event.records {
            do {
                try await self.handle(message, context: context)
            } catch {
                context.logger.error(
                    "message failed",
                    metadata: [
                        MetadataKey.messageID: "\(message.messageId)", MetadataKey.error: "\(FunctionError(error))",
                    ]
                )
                failed.append(message.messageId)
            }
        }
        return SQSBatchResponse(failedMessageIDs: failed)
    }
}
