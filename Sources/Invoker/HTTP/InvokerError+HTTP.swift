import Hummingbird
import NIOCore

extension InvokerError: HTTPResponseError {
    var status: HTTPResponse.Status {
        switch code {
        case .functionNotFound: return .notFound
        case .throttled: return .tooManyRequests
        case .payloadTooLarge: return .contentTooLarge
        case .invalidRequest: return .badRequest
        case .workerFailed: return .badGateway
        case .shuttingDown, .configuration: return .serviceUnavailable
        }
    }

    /// The `errorType` of the JSON error body.
    var errorType: String {
        switch code {
        case .functionNotFound: return "FunctionNotFound"
        case .throttled: return "TooManyRequests"
        case .payloadTooLarge: return "PayloadTooLarge"
        case .invalidRequest: return "InvalidRequest"
        case .workerFailed: return "WorkerFailed"
        case .shuttingDown: return "ShuttingDown"
        case .configuration: return "Unavailable"
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response.json(ErrorDocument(errorType: errorType, errorMessage: message), status: status)
        if code == .throttled { response.headers[.retryAfter] = "1" }
        return response
    }
}

extension Response {
    /// A JSON response with `document` as its body.
    static func json(_ document: ErrorDocument, status: HTTPResponse.Status) -> Response {
        let body = ByteBuffer(string: document.json)
        return Response(
            status: status,
            headers: [.contentType: "application/json", .contentLength: String(body.readableBytes)],
            body: ResponseBody(byteBuffer: body)
        )
    }
}
