import Foundation
import NIOCore

/// The result of an asynchronous invocation, to be posted to the URL its producer gave in `X-Callback-Url`.
///
/// The body is the function's response, or its error document when it failed; the headers name the function
/// (`X-Function-Name`), how the invocation ended (`X-Function-Status`: `success`, `error`, `timeout`, `crash` or
/// `throttled`), the invocation (`X-Invocation-Id`, as in `invoker logs`), the message (`X-Message-Id`, as the
/// producer's `202` named it) and the delivery attempt (`X-Attempt`).
struct Callback: Sendable, Equatable {
    /// Where to post it.
    var url: String
    /// The function invoked.
    var function: String
    /// The id of the invocation that produced the result.
    var invocationID: String
    /// The id of the queued message.
    var messageID: String
    /// Which delivery of the message the invocation was.
    var attempt: Int
    /// How the invocation ended, as its record says.
    var status: InvocationRecord.Status
    /// The response, or the error document.
    var body: [UInt8]

    /// The callback of the invocation `invocationID` of `function` that ended as `execution`.
    init(url: String, function: String, invocationID: String, messageID: String, attempt: Int, execution: Execution) {
        self.url = url
        self.function = function
        self.invocationID = invocationID
        self.messageID = messageID
        self.attempt = attempt
        if let failure = execution.outcome.failure {
            (status, body) = (failure.status, Array(failure.document.readableBytesView))
        } else {
            (status, body) = (.success, Array((execution.outcome.responseJSON ?? ByteBuffer()).readableBytesView))
        }
    }

    /// The headers the callback is posted with.
    var headers: [String: String] {
        [
            "Content-Type": "application/json",
            "X-Function-Name": function,
            "X-Function-Status": status.rawValue,
            "X-Invocation-Id": invocationID,
            "X-Message-Id": messageID,
            "X-Attempt": String(attempt),
        ]
    }
}
