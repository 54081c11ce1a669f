import Runtime

/// Answers an HTTP request with its own body, byte for byte, and its content type.
struct Echo: HTTPHandler {
    func handle(_ request: FunctionURLRequest, context: Context) async throws -> FunctionURLResponse {
        // A binary body arrives base64-encoded and leaves the same way.
        FunctionURLResponse(
            headers: request.header("content-type").map { ["content-type": $0] },
            body: request.body,
            isBase64Encoded: request.isBase64Encoded
        )
    }
}
