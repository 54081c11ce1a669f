import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error the invoker answers before a route handles the request: a head or body the edge refuses, a path no route
/// serves, a method the path does not take.
///
/// This is the one place such errors become responses: the JSON error document `{"errorType","errorMessage"}`, or on
/// the Invoke API's paths an ``InvokeAPIError`` (`x-amzn-ErrorType`), as AWS SDKs read it.
///
/// ```swift
/// let (head, body) = EdgeError.payloadTooLarge(limit: 6_291_456).parts(path: "/echo")
/// ```
struct EdgeError: Error, Sendable {
    /// The HTTP status.
    var status: HTTPResponse.Status
    /// The `errorType` of the document.
    var errorType: String
    /// What was wrong, for the caller.
    var message: String
    /// The methods the path takes, for `405`.
    var allow: [HTTPRequest.Method] = []

    /// The request head is not valid HTTP/1.1.
    static func badRequest(_ problem: String) -> Self {
        Self(status: .badRequest, errorType: "BadRequest", message: "the request is not valid HTTP/1.1: \(problem)")
    }

    /// The request head is larger than `limit` bytes.
    static func headTooLarge(limit: Int) -> Self {
        Self(
            status: .requestHeaderFieldsTooLarge,
            errorType: "RequestHeaderFieldsTooLarge",
            message: "the request line and headers are larger than the limit of \(limit) bytes"
        )
    }

    /// The declared body is larger than `limit` bytes.
    static func payloadTooLarge(limit: Int) -> Self {
        Self(
            status: .contentTooLarge,
            errorType: "PayloadTooLarge",
            message: "the request body is larger than the limit of \(limit) bytes"
        )
    }

    /// The client did not send `part` of its request within `timeout`.
    static func timeout(_ part: String, _ timeout: Duration) -> Self {
        Self(
            status: .requestTimeout,
            errorType: "RequestTimeout",
            message: "the request's \(part) did not arrive within \(timeout)"
        )
    }

    /// The method is one the invoker serves on no path.
    static func notImplemented(_ method: HTTPRequest.Method) -> Self {
        Self(
            status: .notImplemented,
            errorType: "NotImplemented",
            message: "the invoker does not serve the method \(method.rawValue)"
        )
    }

    /// No route serves the path.
    static func notFound(_ method: HTTPRequest.Method, _ path: String) -> Self {
        Self(status: .notFound, errorType: "NotFound", message: "no route serves \(method.rawValue) \(path)")
    }

    /// The path is served, with other methods.
    static func methodNotAllowed(_ method: HTTPRequest.Method, _ path: String, allow: [HTTPRequest.Method]) -> Self {
        Self(
            status: .methodNotAllowed,
            errorType: "MethodNotAllowed",
            message:
                "\(path) does not take \(method.rawValue); it takes \(allow.map(\.rawValue).joined(separator: ", "))",
            allow: allow
        )
    }

    /// Whether `path` is one of the Invoke API's, whose errors AWS SDKs read from `x-amzn-ErrorType`.
    static func isInvokeAPI(_ path: String) -> Bool {
        path.hasPrefix("/2015-03-31/")
    }

    /// The response's head and body, for a request to `path`.
    func parts(path: String) -> (HTTPResponse, ByteBuffer) {
        var fields: HTTPFields
        let body: ByteBuffer
        if Self.isInvokeAPI(path) {
            let error = InvokeAPIError(type: invokeAPIType, status: status, message: message)
            fields = error.headers(requestID: UUID().uuidString.lowercased())
            body = error.body
        } else {
            fields = [.contentType: "application/json"]
            body = ByteBuffer(string: ErrorDocument(errorType: errorType, errorMessage: message).json)
        }
        fields[.contentLength] = String(body.readableBytes)
        if !allow.isEmpty { fields[.allow] = allow.map(\.rawValue).joined(separator: ", ") }
        return (HTTPResponse(status: status, headerFields: fields), body)
    }

    /// The response, for a request to `path`.
    func response(path: String) -> Response {
        let (head, body) = parts(path: path)
        return Response(status: head.status, headers: head.headerFields, body: ResponseBody(byteBuffer: body))
    }

    /// The name Lambda gives this error.
    private var invokeAPIType: String {
        switch status.code {
        case 404, 405: return "UnknownOperationException"
        case 413: return "RequestTooLargeException"
        case 400..<500: return "InvalidRequestContentException"
        default: return "ServiceException"
        }
    }
}
