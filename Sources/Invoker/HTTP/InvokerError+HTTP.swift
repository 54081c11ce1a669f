import Hummingbird
import NIOCore

extension InvokerError: HTTPResponseError {
    var status: HTTPResponse.Status {
        switch code {
        case .functionNotFound, .notFound: return .notFound
        case .throttled: return .tooManyRequests
        case .payloadTooLarge: return .contentTooLarge
        case .invalidRequest: return .badRequest
        case .workerFailed: return .badGateway
        case .shuttingDown, .functionFailing, .configuration, .databaseUnavailable: return .serviceUnavailable
        }
    }

    /// The `errorType` of the JSON error body.
    var errorType: String {
        switch code {
        case .functionNotFound: return "FunctionNotFound"
        case .notFound: return "NotFound"
        case .throttled: return "TooManyRequests"
        case .payloadTooLarge: return "PayloadTooLarge"
        case .invalidRequest: return "InvalidRequest"
        case .workerFailed: return "WorkerFailed"
        case .shuttingDown: return "ShuttingDown"
        case .functionFailing: return "FunctionFailing"
        case .configuration: return "Unavailable"
        case .databaseUnavailable: return "DatabaseUnavailable"
        }
    }

    /// Seconds after which a caller may try again (`Retry-After`): for errors that pass by themselves.
    var retryAfterSeconds: Int? {
        code == .throttled || code == .functionFailing || code == .databaseUnavailable ? 1 : nil
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(failure: .rejected(self))
    }
}
