import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The status, headers and cookies of a streamed HTTP response, which ``ResponseWriter/writeStatusAndHeaders(_:)``
/// sends before the body: what a Function URL in `RESPONSE_STREAM` mode answers with.
///
/// ```swift
/// try await responseWriter.writeStatusAndHeaders(
///     StreamingStatusAndHeaders(statusCode: 201, headers: ["content-type": "text/plain"])
/// )
/// try await responseWriter.write(ByteBuffer(string: "first line\n"))
/// ```
public struct StreamingStatusAndHeaders: Codable, Sendable, Equatable {
    /// The content type of a stream that begins with a prelude (Lambda's `awslambda.HttpResponseStream`).
    public static let contentType = "application/vnd.awslambda.http-integration-response"

    /// The HTTP status.
    public var statusCode: Int
    /// The response headers.
    public var headers: [String: String]
    /// The `Set-Cookie` values.
    public var cookies: [String]

    /// Creates the head of a streamed response.
    public init(statusCode: Int = 200, headers: [String: String] = [:], cookies: [String] = []) {
        self.statusCode = statusCode
        self.headers = headers
        self.cookies = cookies
    }

    /// The prelude the stream begins with: this as JSON, then the eight NUL bytes that separate it from the body.
    func prelude() throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        var buffer = ByteBuffer(bytes: try encoder.encode(self))
        buffer.writeRepeatingByte(0, count: 8)
        return buffer
    }
}
