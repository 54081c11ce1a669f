import Hummingbird
import NIOCore

extension InvokeAPIRoutes {
    /// The Invoke API's answer to an invocation that ran (or was turned away): 200 with the result; 200 with
    /// `X-Amz-Function-Error: Unhandled` and an error document when the function failed, timed out or crashed, with
    /// Lambda's error types and messages; a service error when the pool rejected it.
    static func response(_ execution: Execution, requestID: String, timeout: Duration) -> Response {
        let errorBody: ByteBuffer
        switch execution.outcome {
        case .replied(.httpResponse(let response)):
            var asJSON = execution
            asJSON.outcome = .replied(.response(response.json))
            return Self.response(asJSON, requestID: requestID, timeout: timeout)
        case .replied(.response(let body)):
            var headers = Self.headers(requestID: requestID)
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
        case .replied(.error(let error)), .startFailed(let error):
            // The document exactly as the runtime client posted it, `stackTrace` and all, as Lambda passes it on.
            errorBody = error.body
        case .timedOut:
            errorBody = Self.document(
                "Sandbox.Timedout",
                "RequestId: \(requestID) Error: \(Execution.timeoutMessage(timeout))"
            )
        case .crashed(let exit):
            errorBody = Self.document(
                "Runtime.ExitError",
                "RequestId: \(requestID) Error: Runtime exited with error: \(exit)"
            )
        case .outOfMemory(let used, let limit):
            errorBody = Self.document(
                "Runtime.OutOfMemory",
                "RequestId: \(requestID) Error: \(Execution.outOfMemoryMessage(usedKB: used, limitMB: limit))"
            )
        case .rejected(let error) where error.code == .functionFailing:
            // Lambda has no back-off state: a function that keeps failing answers with its own error.
            errorBody = Self.document(error.cause?.type ?? "Runtime.ExitError", error.message)
        case .rejected(let error):
            return InvokeAPIError(error).response(requestID: requestID)
        case .replied(.stream), .streaming, .streamed:
            preconditionFailure("the dispatcher collects streamed responses for the Invoke API: \(execution.outcome)")
        }
        var headers = Self.headers(requestID: requestID)
        headers[.contentType] = "application/json"
        headers[.init("x-amz-function-error")!] = "Unhandled"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: errorBody))
    }

    private static func document(_ type: String, _ message: String) -> ByteBuffer {
        ByteBuffer(string: ErrorDocument(errorType: type, errorMessage: message).json)
    }
}
