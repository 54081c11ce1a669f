import Foundation
import Hummingbird
import Logging
import NIOCore
import Runtime

/// One HTTP function served in process: each request becomes a Function URL event, the handler is called directly
/// with it and a fresh ``Context``, and its response is written back. It is what the invoker does for an HTTP
/// trigger, without the worker process, the event's JSON round trip and the invocation record.
///
/// ```swift
/// router.get("/hello", use: InProcessFunction(name: "hello", routeKey: "GET /hello", handler: Hello(),
///     logger: logger).respond)
/// ```
struct InProcessFunction<Wrapped: HTTPHandler>: Sendable {
    /// The function's name, for the event's `apiId` and the context.
    let name: String
    /// The route the function is served on, `METHOD /path`.
    let routeKey: String
    /// The handler, the same type the worker binary runs.
    let handler: Wrapped
    /// The logger the context's logger derives from.
    let logger: Logger

    /// Runs the handler on `request`; a handler error becomes a `502` with Lambda's error document, as the invoker
    /// answers it.
    @Sendable func respond(to request: Request, context: BaselineRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let id = UUID().uuidString.lowercased()
        let epochMs = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let event = FunctionURLRequest(
            request: request,
            body: body,
            routeKey: routeKey,
            requestID: id,
            apiID: name,
            sourceIP: context.remoteAddress?.ipAddress ?? "127.0.0.1",
            epochMs: epochMs
        )
        var logger = self.logger
        logger[metadataKey: "invocation.id"] = "\(id)"
        let invocation = Context(
            requestID: id,
            deadline: epochMs + 3_000,
            invokedFunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:\(name)",
            functionName: name,
            logger: logger
        )
        do {
            return try Response(try await handler.handle(event, context: invocation))
        } catch {
            let document = try JSONEncoder().encode(FunctionError(error))
            return Response(
                status: .badGateway,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: document))
            )
        }
    }
}
