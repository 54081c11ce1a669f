#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension FunctionURLResponse {
    /// Creates a response with a text body, `text/plain; charset=utf-8` unless `headers` sets a content type.
    ///
    /// ```swift
    /// FunctionURLResponse(text: "Hello, Ada!")
    /// ```
    public init(statusCode: Int = 200, headers: [String: String] = [:], text: String) {
        self.init(
            statusCode: statusCode,
            headers: Self.headers(headers, contentType: "text/plain; charset=utf-8"),
            body: text
        )
    }

    /// Creates a response whose body is `value` encoded as JSON, `application/json` unless `headers` sets a content
    /// type.
    ///
    /// ```swift
    /// try FunctionURLResponse(statusCode: 201, json: Order(id: 7))
    /// ```
    public init(statusCode: Int = 200, headers: [String: String] = [:], json value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        self.init(
            statusCode: statusCode,
            headers: Self.headers(headers, contentType: "application/json"),
            body: String(decoding: try encoder.encode(value), as: UTF8.self)
        )
    }

    /// Creates a response with a binary body, sent base64-encoded with ``isBase64Encoded`` set, and `contentType`
    /// unless `headers` sets a content type.
    ///
    /// ```swift
    /// FunctionURLResponse(bytes: thumbnail, contentType: "image/png")
    /// ```
    public init(
        statusCode: Int = 200,
        headers: [String: String] = [:],
        bytes: some Sequence<UInt8>,
        contentType: String = "application/octet-stream"
    ) {
        self.init(
            statusCode: statusCode,
            headers: Self.headers(headers, contentType: contentType),
            body: Data(bytes).base64EncodedString(),
            isBase64Encoded: true
        )
    }

    private static func headers(_ headers: [String: String], contentType: String) -> [String: String] {
        guard !headers.keys.contains(where: { $0.lowercased() == "content-type" }) else { return headers }
        var headers = headers
        headers["content-type"] = contentType
        return headers
    }
}
