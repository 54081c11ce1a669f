import NIOCore
import Runtime

extension QueueConsumer {
    /// Invokes the function with `batch` as an SQS event and settles the messages by its outcome; the record names
    /// the first message and its delivery attempt.
    func deliver(_ batch: [QueueMessage]) async {
        let payload = SQSEvent(records: batch.map { SQSEvent.Message($0, queue: definition.name) }).json
        let (id, execution) = await dispatcher.invoke(
            pool,
            payload: payload,
            trigger: .queue,
            queueMessageID: batch[0].id,
            attempt: batch[0].receiveCount
        ) { id, execution in ((id, execution), nil) }
        let outcome = BatchOutcome(
            execution.outcome,
            messageIDs: Set(batch.map(\.id)),
            invocationID: id,
            timeout: pool.function.timeout
        )
        await settle(batch, outcome: outcome)
    }
}
