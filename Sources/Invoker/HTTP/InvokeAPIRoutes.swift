import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// The Lambda Invoke API, `POST /2015-03-31/functions/{name}/invocations`: the function receives the request body
/// as its event, unchanged, and the caller gets its result the way AWS SDKs and the AWS CLI expect.
///
/// ```console
/// $ aws lambda invoke --endpoint-url http://127.0.0.1:8080 --function-name greet --payload '{"name":"Ada"}' out.json
/// ```
///
/// `RequestResponse` answers 200 with the result, or 200 with `X-Amz-Function-Error: Unhandled` and the error
/// document when the function failed, timed out or crashed; `DryRun` answers 204. Every answer carries
/// `x-amzn-RequestId` (the invocation's id) and `X-Amz-Executed-Version`; service errors are ``InvokeAPIError``s.
struct InvokeAPIRoutes: Sendable {
    /// The path of the Invoke API.
    static let path = "/2015-03-31/functions/{name}/invocations"

    /// Runs and records the invocations.
    let dispatcher: Dispatcher
    /// Queues `Event` invocations; nil turns them away.
    var asyncInvocations: AsyncInvocations? = nil
    /// Checks the requests' AWS Signature Version 4 signatures; nil leaves the Invoke API open.
    var signatures: SigV4Verifier? = nil
    /// The admin key, which the Invoke API accepts instead of a signature.
    var adminKey: BearerKey? = nil
    /// Without signatures, guards the functions whose routes authenticate with the admin key: the open Invoke API
    /// would otherwise bypass their routes' authentication.
    private var authorizers: RouteAuthorizers { dispatcher.catalog.deployment.authorizers }

    /// Adds the route to `router`, behind the signature check when there is one.
    func register(on router: Router<InvokerRequestContext>) {
        let group = router.group()
        if let signatures {
            group.add(middleware: SigV4Middleware(verifier: signatures, adminKey: adminKey))
        }
        group.post(RouterPath(Self.path)) { request, context in
            let requestID = dispatcher.ids.next()
            do {
                return try await self.invoke(request, context: context, requestID: requestID)
            } catch let error as InvokeAPIError {
                return error.response(requestID: requestID)
            } catch let error as InvokerError {
                return InvokeAPIError(error).response(requestID: requestID)
            }
        }
    }

    private func invoke(_ request: Request, context: InvokerRequestContext, requestID: String) async throws -> Response
    {
        let call = try InvokeAPIRequest(request, parameter: try context.parameters.require("name"))
        guard call.function.qualifier == nil || call.function.qualifier == FunctionIdentifier.latest,
            let pool = try? dispatcher.pool(named: call.function.name)
        else {
            throw InvokeAPIError.notFound(call.function)
        }
        if signatures == nil,
            case .denied(let denial) = await authorizers.generic(call.function.name).check(request.headers, now: Date())
        {
            dispatcher.recordDenial(denial, function: call.function.name, id: requestID, trigger: .invoke)
            throw InvokeAPIError(type: "AccessDeniedException", status: denial.status, message: denial.message)
        }
        let payload = try await request.collectedBody(upTo: Invocation.maxPayloadBytes)
        guard
            payload.readableBytes == 0
                || (try? JSONSerialization.jsonObject(with: Data(buffer: payload), options: .fragmentsAllowed)) != nil
        else {
            throw InvokeAPIError.invalidContent(
                "Could not parse request body into json: the body is not valid JSON (\(payload.readableBytes) bytes)"
            )
        }
        switch call.invocationType {
        case .dryRun:
            return Response(status: .noContent, headers: Self.headers(requestID: requestID))
        case .event:
            return try await queueEvent(payload, of: pool.function.name)
        case .requestResponse:
            break
        }
        let trigger: InvocationRecord.Trigger =
            request.headers[.userAgent]?.hasPrefix(InvokeCommand.userAgent) == true ? .cli : .invoke
        let event = payload.readableBytes == 0 ? ByteBuffer(string: "{}") : payload
        let request = InvocationRequest(
            function: pool.function.name,
            id: requestID,
            event: .payload(event),
            trigger: trigger,
            clientContext: call.clientContext
        )
        let result = try await dispatcher.invoke(request)
        var response = Self.response(result.execution, requestID: result.id)
        if call.tailLog, response.status == .ok {
            let tail = LogTail(requestID: result.id, execution: result.execution, memoryMB: pool.function.memoryMB)
            response.headers[.amzLogResult] = tail.encoded
        }
        result.finish(httpStatus: response.status.code)
        return response
    }

    /// The headers every Invoke API answer carries.
    static func headers(requestID: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.amznRequestID] = requestID
        headers[.amzExecutedVersion] = FunctionIdentifier.latest
        return headers
    }
}
