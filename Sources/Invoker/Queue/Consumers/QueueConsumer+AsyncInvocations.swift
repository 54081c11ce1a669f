import Foundation
import NIOCore

extension QueueConsumer {
    /// Invokes the function with each queued asynchronous event (a batch holds one) and settles it: a success is
    /// acknowledged, a failure retried, and once it succeeded or failed for the last time its callback, if it has
    /// one, is sent.
    func invokeAsynchronously(_ batch: [QueueMessage]) async {
        for message in batch {
            let (id, execution) = await dispatcher.invoke(
                pool,
                payload: ByteBuffer(bytes: message.body.bytes),
                trigger: .event,
                queueMessageID: message.id,
                attempt: message.receiveCount
            ) { id, execution in ((id, execution), nil) }
            let outcome: BatchOutcome
            switch execution.outcome {
            case .replied(.response):
                outcome = .succeeded
            default:
                outcome = BatchOutcome(
                    execution.outcome,
                    messageIDs: [message.id],
                    invocationID: id,
                    timeout: pool.function.timeout
                )
            }
            let deadLettered = await settle([message], outcome: outcome)
            guard let url = message.callbackURL, let callbacks else { continue }
            if outcome == .succeeded || !deadLettered.isEmpty {
                callbacks.send(
                    Callback(
                        url: url,
                        function: definition.function,
                        invocationID: id,
                        messageID: message.id,
                        attempt: message.receiveCount,
                        execution: execution,
                        timeout: pool.function.timeout
                    )
                )
            }
        }
    }
}
