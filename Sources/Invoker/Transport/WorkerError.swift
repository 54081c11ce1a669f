import Foundation
import NIOCore
import NIOFoundationCompat

/// An error reported by a worker, in the Runtime API's `{"errorType","errorMessage"}` shape.
struct WorkerError: Error, Sendable, Equatable {
    /// The error's type, for example `FixtureError` or `Runtime.HandlerNotFound`.
    var type: String
    /// The human-readable message.
    var message: String
    /// The error document exactly as the worker sent it (it may carry `stackTrace` and more).
    var body: ByteBuffer

    /// Creates an error that the invoker reports on a worker's behalf.
    init(type: String, message: String) {
        self.type = type
        self.message = message
        self.body = ByteBuffer(bytes: Array(ErrorDocument(errorType: type, errorMessage: message).json.utf8))
    }

    /// The error of a response larger than `limit` bytes, as Lambda reports it.
    static func responseTooLarge(limit: Int) -> Self {
        Self(
            type: "Function.ResponseSizeTooLarge",
            message: "Response payload size exceeded maximum allowed payload size (\(limit) bytes)."
        )
    }

    /// The error of a streamed response its worker dropped: it asked for more work than its slots hold before
    /// finishing it.
    static let truncatedStream = Self(
        type: "Runtime.TruncatedResponse",
        message: "the worker asked for its next invocation before finishing its streamed response"
    )

    /// The error of an invocation its worker dropped: it asked for its next invocation without answering.
    static let noResponse = Self(
        type: "Runtime.NoResponse",
        message: "the worker asked for its next invocation without answering this one"
    )

    /// Reads an error document posted by a worker; `headerType` is `Lambda-Runtime-Function-Error-Type`.
    init(posted body: ByteBuffer, headerType: String?) {
        let document = try? JSONDecoder().decode(ErrorDocument.self, from: body)
        self.type = document?.errorType ?? headerType ?? "Runtime.Unknown"
        self.message = document?.errorMessage ?? String(buffer: body)
        self.body =
            document == nil
            ? ByteBuffer(bytes: Array(ErrorDocument(errorType: type, errorMessage: message).json.utf8)) : body
    }
}

/// The JSON shape of an error document.
struct ErrorDocument: Codable, Sendable {
    /// The error's type.
    var errorType: String
    /// The error's message.
    var errorMessage: String

    /// The document as compact JSON text.
    var json: String {
        String(decoding: try! JSONEncoder().encode(self), as: UTF8.self)
    }
}
