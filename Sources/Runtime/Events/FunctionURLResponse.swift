/// An HTTP response in the Lambda Function URL (payload format 2.0) shape.
///
/// ```swift
/// FunctionURLResponse(statusCode: 201, headers: ["content-type": "text/plain"], body: "created")
/// ```
public struct FunctionURLResponse: Codable, Sendable, Equatable {
    /// The HTTP status code.
    public var statusCode: Int
    /// Response headers.
    public var headers: [String: String]?
    /// Cookies to set, each the value of one `Set-Cookie` header.
    public var cookies: [String]?
    /// The body: text as is, or base64 when ``isBase64Encoded`` is true.
    public var body: String?
    /// Whether ``body`` is base64-encoded.
    public var isBase64Encoded: Bool?

    /// Creates a response.
    public init(
        statusCode: Int = 200,
        headers: [String: String]? = nil,
        cookies: [String]? = nil,
        body: String? = nil,
        isBase64Encoded: Bool? = nil
    ) {
        self.statusCode = statusCode
        self.headers = headers
        self.cookies = cookies
        self.body = body
        self.isBase64Encoded = isBase64Encoded
    }
}
