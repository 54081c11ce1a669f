import Hummingbird
import NIOCore

extension InvokeAPIRoutes {
    /// The Invoke API's answer to an invocation that ran (or was turned away): 200 with the result; 200 with
    /// `X-Amz-Function-Error: Unhandled` and the failure's error document when the function failed, timed out or
    /// crashed; a service error when the pool turned it away.
    static func response(_ execution: Execution, requestID: String) -> Response {
        var headers = Self.headers(requestID: requestID)
        headers[.contentType] = "application/json"
        guard let failure = execution.outcome.failure else {
            let body = execution.outcome.responseJSON ?? ByteBuffer()
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
        }
        switch failure.answer {
        case .functionError(let document):
            headers[.amzFunctionError] = "Unhandled"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: document))
        case .serviceError(let error):
            return InvokeAPIError(error).response(requestID: requestID)
        }
    }
}
