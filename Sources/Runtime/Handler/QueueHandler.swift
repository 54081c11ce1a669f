/// A handler for a queue trigger: a batch of messages in (an ``SQSEvent``), the failed ones out (an
/// ``SQSBatchResponse``), exactly as Lambda's SQS event source mapping with `ReportBatchItemFailures`.
///
/// Return the ids of the messages that failed: only those are delivered again. Throwing fails the whole batch.
///
/// ```swift
/// struct Resize: QueueHandler {
///     func handle(_ event: SQSEvent, context: Context) async throws -> SQSBatchResponse {
///         var failed: [String] = []
///         for message in event.records where !resize(message.body) {
///             failed.append(message.messageId)
///         }
///         return SQSBatchResponse(failedMessageIDs: failed)
///     }
/// }
/// ```
public protocol QueueHandler: Handler where Event == SQSEvent, Output == SQSBatchResponse {}
