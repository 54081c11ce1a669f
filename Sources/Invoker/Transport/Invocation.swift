import Foundation
import NIOCore
import NIOFoundationCompat
import Runtime

/// One invocation as it is handed to a worker: the event and the metadata the Runtime API sends with it.
struct Invocation: Sendable {
    /// Lambda's limit on a synchronous invocation's event and its response: 6 MiB.
    static let maxPayloadBytes = 6_291_456

    /// The invocation id: the Lambda request id and the id of its record.
    var id: String
    /// The event, as JSON bytes (empty when ``http`` holds it).
    var payload: ByteBuffer
    /// When the invocation must be finished, in milliseconds since the Unix epoch (`Lambda-Runtime-Deadline-Ms`).
    var deadlineEpochMs: Int64
    /// The function's ARN (`Lambda-Runtime-Invoked-Function-Arn`).
    var functionARN: String
    /// The X-Ray style trace header (`Lambda-Runtime-Trace-Id`).
    var traceID: String
    /// The client context, as JSON (`Lambda-Runtime-Client-Context`).
    var clientContext: String? = nil
    /// The Cognito identity, as JSON (`Lambda-Runtime-Cognito-Identity`).
    var cognitoIdentity: String? = nil
    /// The event of an HTTP trigger, typed: the native transport carries it in binary form, the Runtime API as
    /// JSON.
    var http: FunctionURLRequest? = nil

    /// The event as the Runtime API carries it: JSON bytes.
    var jsonPayload: ByteBuffer {
        guard let http else { return payload }
        return ByteBuffer(bytes: (try? JSONEncoder().encode(http)) ?? Data())
    }

    /// The event as the native transport carries it.
    var nativeEvent: InvocationEvent {
        http.map(InvocationEvent.http) ?? .bytes(payload)
    }
}
