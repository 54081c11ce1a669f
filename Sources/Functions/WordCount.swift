import Runtime

/// Counts the words of each queued message and prints the count; a message without words is reported as failed, so
/// it is retried and ends in the queue's dead-letter queue.
struct WordCount: QueueHandler {
    func handle(_ event: SQSEvent, context: Context) async throws -> SQSBatchResponse {
        var failed: [String] = []
        for message in event.records {
            let words = message.body.split(whereSeparator: \.isWhitespace).count
            if words == 0 || message.attributes["BodyEncoding"] == "base64" {
                print("\(message.messageId): no words")
                failed.append(message.messageId)
            } else {
                print("\(message.messageId): \(words) words")
            }
        }
        return SQSBatchResponse(failedMessageIDs: failed)
    }
}
