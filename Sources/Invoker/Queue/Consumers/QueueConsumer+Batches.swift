import Logging
import NIOCore
import Runtime

extension QueueConsumer {
    /// Invokes the function with `batch` as an SQS event and settles the messages by its outcome; the record names
    /// the first message and its delivery attempt.
    func deliver(_ batch: [QueueMessage]) async {
        let payload = SQSEvent(records: batch.map { SQSEvent.Message($0, queue: definition.name) }).json
        let request = InvocationRequest(
            function: definition.function,
            event: .payload(payload),
            trigger: .queue,
            delivery: .init(messageID: batch[0].id, attempt: batch[0].receiveCount)
        )
        guard let result = await invoke(request) else { return }
        let outcome = BatchOutcome(result.execution.outcome, messageIDs: Set(batch.map(\.id)), invocationID: result.id)
        await settle(batch, outcome: outcome)
    }

    /// Runs `request`; when its function is gone (the manifest no longer has it), returns nil: the messages stay in
    /// the queue and their leases expire.
    func invoke(_ request: InvocationRequest) async -> InvocationResult? {
        do {
            return try await dispatcher.invoke(request)
        } catch {
            logger.notice("The queue's function is gone; its messages stay", metadata: [LogKey.error: "\(error)"])
            return nil
        }
    }
}
