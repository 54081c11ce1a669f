import Foundation
import NIOCore
import Runtime

/// One invocation to run, as a value: the function, its event, and where it came from.
///
/// ```swift
/// let request = InvocationRequest(function: "greet", event: .payload(body), trigger: .invoke)
/// let result = await dispatcher.invoke(request)
/// ```
struct InvocationRequest: Sendable {
    /// What the function receives.
    enum Event: Sendable {
        /// JSON bytes, passed on as they are.
        case payload(ByteBuffer)
        /// The Function URL event of an HTTP trigger, typed: the native transport carries it in binary form.
        case http(FunctionURLRequest)

        /// The size the record gives the request: the payload, or the HTTP request's body.
        var bytes: Int {
            switch self {
            case .payload(let payload): payload.readableBytes
            case .http(let request): request.body?.utf8.count ?? 0
            }
        }
    }

    /// The queue message an invocation delivers, for its record.
    struct Delivery: Sendable {
        /// The (first) message's id.
        var messageID: String
        /// Which delivery of the message this is (1 for the first).
        var attempt: Int
    }

    /// The function's name.
    var function: String
    /// The invocation's id; nil lets the dispatcher make one.
    var id: String? = nil
    /// What the function receives.
    var event: Event
    /// What caused the invocation.
    var trigger: InvocationRecord.Trigger
    /// The client context, as JSON (`Lambda-Runtime-Client-Context`).
    var clientContext: String? = nil
    /// The Cognito identity, as JSON (`Lambda-Runtime-Cognito-Identity`).
    var cognitoIdentity: String? = nil
    /// The queue message it delivers, for queue and asynchronous invocations.
    var delivery: Delivery? = nil
    /// Who called, as the route's authorizer named them (the record's `caller`).
    var caller: String? = nil
    /// The slot a scheduled invocation fires (the record's `scheduled_at`).
    var scheduledAt: Date? = nil

    /// Whether an HTTP caller waits for the answer: its record is written once the caller's status is known
    /// (``InvocationResult/finish(httpStatus:)``). Other invocations are recorded as soon as they end.
    var answersHTTP: Bool {
        switch trigger {
        case .http, .invoke, .cli: true
        case .event, .queue, .schedule: false
        }
    }

    /// Whether a streamed response is handed to the caller to relay as it comes (HTTP triggers, as Function URLs
    /// stream); every other caller gets it whole, up to the synchronous payload limit.
    var relaysStreams: Bool { trigger == .http }
}
