import NIOCore

/// One invocation as it is handed to a worker: the event and the metadata the Runtime API sends with it.
struct Invocation: Sendable {
    /// Lambda's limit on a synchronous invocation's event and its response: 6 MiB.
    static let maxPayloadBytes = 6_291_456

    /// The invocation id: the Lambda request id and the id of its record.
    var id: String
    /// The event, as JSON bytes.
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
}
