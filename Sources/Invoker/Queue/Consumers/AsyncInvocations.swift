import Foundation
import Logging

/// Queues asynchronous invocations: each function's events go to its own internal queue (``QueueDefinition/
/// asyncQueueName(of:)``), from which its consumer invokes it, retries a failure twice, and dead-letters it then.
///
/// ```swift
/// let sent = try await asyncInvocations.enqueue(event, of: "resize", callbackURL: "http://example.com/done")
/// ```
struct AsyncInvocations: Sendable {
    /// Where the events are queued.
    let store: any QueueStore
    /// Where storage failures are reported (callers only learn that the event was not queued).
    let logger: Logger

    /// Queues `event` for an invocation of `function`; returns once it is stored. A storage failure is logged and
    /// thrown as a ``QueueError`` without its details.
    func enqueue(_ event: [UInt8], of function: String, callbackURL: String?) async throws -> SentMessage {
        let message = NewMessage(body: MessageBody(event), callbackURL: callbackURL)
        do {
            return try await store.enqueue([message], to: QueueDefinition.asyncQueueName(of: function))[0]
        } catch {
            logger.error("Queuing an asynchronous invocation failed", metadata: [LogKey.error: "\(error)"])
            throw QueueError(.storageFailed, "the invocation could not be queued; the invoker's log says why")
        }
    }

    /// Checks a callback URL given by a caller: an absolute `http` or `https` URL with a host and, if it names one, a
    /// port from 1 to 65535. Throws a ``QueueError`` that says what is wrong.
    static func validateCallbackURL(_ text: String) throws -> String {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host?.isEmpty == false
        else {
            throw QueueError(
                .invalidMessage,
                "X-Callback-Url must be an absolute http or https URL such as http://example.com/done, got \"\(text)\""
            )
        }
        if let port = url.port, !(1...65535).contains(port) {
            throw QueueError(
                .invalidMessage,
                "X-Callback-Url has port \(port), which is not a TCP port (1 to 65535), in \"\(text)\""
            )
        }
        return text
    }
}
