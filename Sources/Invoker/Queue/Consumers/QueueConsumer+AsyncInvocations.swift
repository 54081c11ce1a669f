import Foundation
import NIOCore

extension QueueConsumer {
    /// Invokes the function with each queued asynchronous event (a batch holds one) and settles it: a success is
    /// acknowledged, a failure retried, and once it succeeded or failed for the last time its callback, if it has
    /// one, is sent. A schedule's firing (``ScheduledMessage``) is recorded with the trigger `schedule` and its slot.
    func invokeAsynchronously(_ batch: [QueueMessage]) async {
        for message in batch {
            let slot = ScheduledMessage.slot(of: message)
            let request = InvocationRequest(
                function: definition.function,
                event: .payload(ByteBuffer(bytes: message.body.bytes)),
                trigger: slot == nil ? .event : .schedule,
                delivery: .init(messageID: message.id, attempt: message.receiveCount),
                scheduledAt: slot?.scheduledAt
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
