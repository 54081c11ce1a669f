import Foundation
import NIOCore

extension QueueConsumer {
    /// Invokes the function with each queued asynchronous event (a batch holds one) and settles it: a success is
    /// acknowledged, a failure retried, and once it succeeded or failed for the last time its callback, if it has
    /// one, is sent.
    func invokeAsynchronously(_ batch: [QueueMessage]) async {
        for message in batch {
            let request = InvocationRequest(
                function: definition.function,
                event: .payload(ByteBuffer(bytes: message.body.bytes)),
                trigger: .event,
                delivery: .init(messageID: message.id, attempt: message.receiveCount)
            )
            guard let result = await invoke(request) else { return }
            // An asynchronous invocation's response is its result, not a batch response: any answer succeeds.
            let outcome =
                result.execution.outcome.failure == nil
                ? .succeeded : BatchOutcome(result.execution.outcome, messageIDs: [message.id], invocationID: result.id)
            let deadLettered = await settle([message], outcome: outcome)
            guard let url = message.callbackURL, let callbacks else { continue }
            if outcome == .succeeded || !deadLettered.isEmpty {
                callbacks.send(
                    Callback(
                        url: url,
                        function: definition.function,
                        invocationID: result.id,
                        messageID: message.id,
                        attempt: message.receiveCount,
                        execution: result.execution
                    )
                )
            }
        }
    }
}
