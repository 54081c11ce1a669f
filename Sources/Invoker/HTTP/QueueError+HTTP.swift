import Hummingbird

extension QueueError: HTTPResponseError {
    var status: HTTPResponse.Status {
        switch code {
        case .queueNotFound, .messageNotFound: return .notFound
        case .invalidMessage: return .badRequest
        case .messageTooLarge: return .contentTooLarge
        case .cannotOpen, .storageFailed: return .serviceUnavailable
        }
    }

    /// The `errorType` of the JSON error body.
    var errorType: String {
        switch code {
        case .queueNotFound: return "QueueNotFound"
        case .messageNotFound: return "MessageNotFound"
        case .invalidMessage: return "InvalidMessage"
        case .messageTooLarge: return "PayloadTooLarge"
        case .cannotOpen, .storageFailed: return "QueueUnavailable"
        }
    }

    /// Seconds after which a producer may try again (`Retry-After`): when the store is unavailable, which passes.
    var retryAfterSeconds: Int? {
        code == .cannotOpen || code == .storageFailed ? 1 : nil
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response.json(ErrorDocument(errorType: errorType, errorMessage: message), status: status)
        if let seconds = retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
        return response
    }
}
