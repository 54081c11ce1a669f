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

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response.json(ErrorDocument(errorType: errorType, errorMessage: message), status: status)
    }
}
