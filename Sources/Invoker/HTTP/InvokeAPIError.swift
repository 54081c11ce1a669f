import Foundation
import Hummingbird
import NIOCore

/// A service error of the Invoke API, as AWS SDKs read it: the status, `x-amzn-ErrorType` with the exception's name,
/// and a `{"Type","Message"}` body (`Type` is `User` for the caller's mistakes, `Service` for the invoker's).
///
/// This is the one place where the Invoke API's errors become responses; the HTTP triggers use
/// ``InvokerError``'s own mapping instead.
struct InvokeAPIError: Error, Sendable {
    /// The exception's name, for example `ResourceNotFoundException`.
    var type: String
    /// The HTTP status.
    var status: HTTPResponse.Status
    /// What was wrong, for the caller.
    var message: String
    /// Seconds after which the caller may retry (`Retry-After`), for throttling and temporary failures.
    var retryAfter: Int?
    /// The throttling reason Lambda reports with `TooManyRequestsException`.
    var reason: String?

    /// The function (with its qualifier) does not exist.
    static func notFound(_ function: FunctionIdentifier) -> Self {
        Self(type: "ResourceNotFoundException", status: .notFound, message: "Function not found: \(function.arn)")
    }

    /// A header or path value failed validation, as Lambda words it.
    static func validation(_ field: String, _ value: String, _ constraint: String) -> Self {
        Self(
            type: "ValidationException",
            status: .badRequest,
            message: "1 validation error detected: Value '\(value)' at '\(field)' failed to satisfy constraint: "
                + constraint
        )
    }

    /// The request is well-formed HTTP but its content is not acceptable (for example, a body that is not JSON).
    static func invalidContent(_ message: String) -> Self {
        Self(type: "InvalidRequestContentException", status: .badRequest, message: message)
    }

    /// The Invoke API's name and status for an error of the invoker.
    init(_ error: InvokerError) {
        switch error.code {
        case .functionNotFound, .notFound:
            self.init(type: "ResourceNotFoundException", status: .notFound, message: error.message)
        case .throttled:
            self.init(
                type: "TooManyRequestsException",
                status: .tooManyRequests,
                message: "Rate Exceeded: \(error.message)",
                retryAfter: 1,
                reason: "ReservedFunctionConcurrentInvocationLimitExceeded"
            )
        case .payloadTooLarge:
            self.init(
                type: "RequestTooLargeException",
                status: .contentTooLarge,
                message:
                    "Request must be smaller than \(Invocation.maxPayloadBytes) bytes for the InvokeFunction operation"
            )
        case .invalidRequest:
            self.init(type: "InvalidRequestContentException", status: .badRequest, message: error.message)
        case .shuttingDown, .functionFailing, .workerFailed, .configuration, .databaseUnavailable:
            self.init(type: "ServiceException", status: .serviceUnavailable, message: error.message, retryAfter: 1)
        }
    }

    /// An error named `type` with `status` and `message`, and optionally `Retry-After` and a throttling reason.
    init(type: String, status: HTTPResponse.Status, message: String, retryAfter: Int? = nil, reason: String? = nil) {
        self.type = type
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
        self.reason = reason
    }

    /// The response, carrying the invocation id `requestID` like every Invoke API answer.
    func response(requestID: String) -> Response {
        Response(status: status, headers: headers(requestID: requestID), body: ResponseBody(byteBuffer: body))
    }

    /// The response's headers: the invocation id, `x-amzn-ErrorType` and `Retry-After` when there is one.
    func headers(requestID: String) -> HTTPFields {
        var headers = InvokeAPIRoutes.headers(requestID: requestID)
        headers[.contentType] = "application/json"
        headers[.amznErrorType] = type
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return headers
    }

    /// The `{"Type","Message"}` document.
    var body: ByteBuffer {
        var document = ["Type": status.code >= 500 ? "Service" : "User", "Message": message]
        if let reason { document["Reason"] = reason }
        return ByteBuffer(
            bytes: (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data()
        )
    }
}
