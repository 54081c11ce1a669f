import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// The Lambda Invoke API, `POST /2015-03-31/functions/{name}/invocations`: the function receives the request body
/// as its event, unchanged, and the caller gets its result the way AWS SDKs and the AWS CLI expect.
struct InvokeAPIRoutes: Sendable {
    /// The path of the Invoke API.
    static let path = "/2015-03-31/functions/{name}/invocations"

    /// Runs and records the invocations.
    let dispatcher: Dispatcher
    /// Queues `Event` invocations; nil turns them away.
    var asyncInvocations: AsyncInvocations? = nil

    /// Adds the route to `router`.
    func register(on router: Router<InvokerRequestContext>) {
        router.post(RouterPath(Self.path)) { request, context in
            do {
                return try await self.invoke(request, context: context)
            } catch let error as InvokerError {
                return Self.serviceError(error)
            }
        }
    }

    private func invoke(_ request: Request, context: InvokerRequestContext) async throws -> Response {
        let name = Self.functionName(try context.parameters.require("name"))
        let pool = try dispatcher.pool(named: name)
        let invocationType = request.headers[.init("x-amz-invocation-type")!] ?? "RequestResponse"
        let payload = try await request.collectBody(upTo: context.maxUploadSize)
        guard
            payload.readableBytes == 0
                || (try? JSONSerialization.jsonObject(with: Data(buffer: payload), options: .fragmentsAllowed)) != nil
        else {
            throw InvokerError(.invalidRequest, "Could not parse request body into json: the body is not valid JSON")
        }
        switch invocationType {
        case "DryRun":
            return Response(status: .noContent, headers: Self.headers(requestID: dispatcher.ids.next()))
        case "RequestResponse":
            break
        case "Event" where asyncInvocations != nil:
            return try await queueEvent(payload, of: name)
        default:
            throw InvokerError(
                .invalidRequest,
                "X-Amz-Invocation-Type \"\(invocationType)\" is not supported; use RequestResponse, Event or DryRun"
            )
        }
        let trigger: InvocationRecord.Trigger =
            request.headers[.userAgent]?.hasPrefix(InvokeCommand.userAgent) == true ? .cli : .invoke
        let event = payload.readableBytes == 0 ? ByteBuffer(string: "{}") : payload
        return await dispatcher.invoke(pool, payload: event, trigger: trigger) { id, execution in
            let response = Self.response(execution, requestID: id, timeout: pool.function.timeout)
            return (response, response.status.code)
        }
    }

    /// The Invoke API's answer: 200 with the result, or 200 with `X-Amz-Function-Error: Unhandled` and the error
    /// document when the function failed, timed out or crashed; service errors for rejections.
    static func response(_ execution: Execution, requestID: String, timeout: Duration) -> Response {
        var headers = Self.headers(requestID: requestID)
        let document: ErrorDocument
        switch execution.outcome {
        case .replied(.response(let body)):
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
        case .replied(.error(let error)), .startFailed(let error):
            document = ErrorDocument(errorType: error.type, errorMessage: error.message)
        case .timedOut:
            document = ErrorDocument(errorType: "Sandbox.Timedout", errorMessage: Execution.timeoutMessage(timeout))
        case .crashed(let exit):
            document = ErrorDocument(errorType: "Runtime.ExitError", errorMessage: Execution.crashMessage(exit))
        case .outOfMemory(let used, let limit):
            document = ErrorDocument(
                errorType: "Runtime.OutOfMemory",
                errorMessage: Execution.outOfMemoryMessage(usedKB: used, limitMB: limit)
            )
        case .rejected(let error):
            var response = serviceError(error)
            response.headers[.init("x-amzn-RequestId")!] = requestID
            return response
        }
        headers[.contentType] = "application/json"
        headers[.init("x-amz-function-error")!] = "Unhandled"
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: document.json))
        )
    }

    /// An AWS service error: `x-amzn-ErrorType` and a `{"Type","Message"}` body.
    static func serviceError(_ error: InvokerError) -> Response {
        let type: String
        switch error.code {
        case .functionNotFound: type = "ResourceNotFoundException"
        case .throttled: type = "TooManyRequestsException"
        case .payloadTooLarge: type = "RequestTooLargeException"
        case .invalidRequest: type = "InvalidRequestContentException"
        case .workerFailed, .shuttingDown, .functionFailing, .configuration: type = "ServiceException"
        }
        let body = try! JSONSerialization.data(
            withJSONObject: ["Type": error.code == .workerFailed ? "Service" : "User", "Message": error.message],
            options: [.sortedKeys]
        )
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.init("x-amzn-ErrorType")!] = type
        if error.code == .throttled || error.code == .functionFailing { headers[.retryAfter] = "1" }
        return Response(status: error.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The headers every Invoke API answer carries.
    private static func headers(requestID: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.init("x-amzn-RequestId")!] = requestID
        headers[.init("x-amz-executed-version")!] = "$LATEST"
        return headers
    }

    /// The function name in a path parameter that may be a name, a partial ARN or a full ARN.
    static func functionName(_ parameter: String) -> String {
        let decoded = parameter.removingPercentEncoding ?? parameter
        let parts = decoded.split(separator: ":", omittingEmptySubsequences: false)
        if let index = parts.firstIndex(of: "function"), index + 1 < parts.count {
            return String(parts[index + 1])
        }
        return String(parts.first ?? "")
    }
}
