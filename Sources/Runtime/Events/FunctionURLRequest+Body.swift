#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension FunctionURLRequest {
    /// The body's bytes, base64-decoded when ``isBase64Encoded`` is true; empty when there is no body.
    ///
    /// ```swift
    /// let upload = try request.bodyBytes
    /// ```
    ///
    /// - Throws: A ``FunctionError`` when the body is marked base64-encoded but is not valid base64.
    public var bodyBytes: [UInt8] {
        get throws {
            guard let body = self.body else { return [] }
            guard self.isBase64Encoded else { return Array(body.utf8) }
            guard let bytes = Data(base64Encoded: body) else {
                throw FunctionError(
                    type: "Runtime.InvalidEvent",
                    message: "The HTTP request body is marked base64-encoded but is not valid base64"
                )
            }
            return Array(bytes)
        }
    }
}
