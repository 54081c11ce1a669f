/// What the Runtime API says about an invocation, besides its event.
struct InvocationMetadata: Sendable, Equatable {
    /// `Lambda-Runtime-Aws-Request-Id`.
    var requestID: String
    /// `Lambda-Runtime-Deadline-Ms`, milliseconds since the Unix epoch.
    var deadline: Int64
    /// `Lambda-Runtime-Invoked-Function-Arn`.
    var invokedFunctionARN: String
    /// `Lambda-Runtime-Trace-Id`.
    var traceID: String
    /// `Lambda-Runtime-Client-Context`.
    var clientContext: String?
    /// `Lambda-Runtime-Cognito-Identity`.
    var cognitoIdentity: String?
}
