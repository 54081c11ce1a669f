import NIOHTTP1

extension InvocationMetadata {
    /// Reads the metadata from the headers of a `GET /runtime/invocation/next` response.
    init(headers: HTTPHeaders) throws {
        guard let requestID = headers.first(name: "Lambda-Runtime-Aws-Request-Id") else {
            throw Self.malformed("has no Lambda-Runtime-Aws-Request-Id header")
        }
        guard let deadline = headers.first(name: "Lambda-Runtime-Deadline-Ms") else {
            throw Self.malformed("has no Lambda-Runtime-Deadline-Ms header")
        }
        guard let deadlineMilliseconds = Int64(deadline) else {
            throw Self.malformed("has Lambda-Runtime-Deadline-Ms '\(deadline)', expected milliseconds since the epoch")
        }
        self.init(
            requestID: requestID,
            deadline: deadlineMilliseconds,
            invokedFunctionARN: headers.first(name: "Lambda-Runtime-Invoked-Function-Arn") ?? "",
            traceID: headers.first(name: "Lambda-Runtime-Trace-Id") ?? "",
            clientContext: headers.first(name: "Lambda-Runtime-Client-Context"),
            cognitoIdentity: headers.first(name: "Lambda-Runtime-Cognito-Identity")
        )
    }

    private static func malformed(_ problem: String) -> RuntimeClientError {
        RuntimeClientError(
            code: .malformedResponse,
            message: "The Runtime API's answer to GET /2018-06-01/runtime/invocation/next \(problem)"
        )
    }
}
