import Runtime

/// Whatever the event, answers the invocation's metadata as its context has it: the request id, the ARN, the trace
/// id, the client context and Cognito identity (when given) and the deadline, in epoch milliseconds.
struct Metadata: Handler {
    struct Request: Decodable {}

    struct Response: Encodable {
        var requestID: String
        var invokedFunctionARN: String
        var traceID: String
        var clientContext: String?
        var cognitoIdentity: String?
        var deadline: Int64
    }

    func handle(_ request: Request, context: Context) async throws -> Response {
        Response(
            requestID: context.requestID,
            invokedFunctionARN: context.invokedFunctionARN,
            traceID: context.traceID,
            clientContext: context.clientContext,
            cognitoIdentity: context.cognitoIdentity,
            deadline: context.deadline
        )
    }
}
