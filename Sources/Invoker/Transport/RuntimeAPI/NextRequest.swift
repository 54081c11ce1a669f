import NIOCore
import NIOHTTP1

/// A worker's parked `GET …/invocation/next`, answered when an invocation arrives.
struct NextRequest: Sendable {
    /// Identifies the handler that parked it, so a closed connection can withdraw it.
    let id: ObjectIdentifier
    /// Whether the worker asked to keep the connection open.
    let keepAlive: Bool
    private let context: NIOLoopBound<ChannelHandlerContext>

    /// Parks a request read by `handler` on `context`; call on the context's event loop.
    init(handler: RuntimeAPIHandler, context: ChannelHandlerContext, keepAlive: Bool) {
        self.id = ObjectIdentifier(handler)
        self.keepAlive = keepAlive
        self.context = NIOLoopBound(context, eventLoop: context.eventLoop)
    }

    /// Sends `invocation` as the answer, from any thread.
    func deliver(_ invocation: Invocation) {
        let context = self.context
        let keepAlive = self.keepAlive
        context.eventLoop.execute {
            Self.write(invocation, to: context.value, keepAlive: keepAlive)
        }
    }

    /// Writes `invocation` as the `next` response with every header Lambda runtime clients expect.
    static func write(_ invocation: Invocation, to context: ChannelHandlerContext, keepAlive: Bool) {
        let payload = invocation.jsonPayload
        var headers = HTTPHeaders()
        headers.reserveCapacity(9)
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(payload.readableBytes))
        headers.add(name: "lambda-runtime-aws-request-id", value: invocation.id)
        headers.add(name: "lambda-runtime-deadline-ms", value: String(invocation.deadlineEpochMs))
        headers.add(name: "lambda-runtime-invoked-function-arn", value: invocation.functionARN)
        headers.add(name: "lambda-runtime-trace-id", value: invocation.traceID)
        if let clientContext = invocation.clientContext {
            headers.add(name: "lambda-runtime-client-context", value: clientContext)
        }
        if let identity = invocation.cognitoIdentity {
            headers.add(name: "lambda-runtime-cognito-identity", value: identity)
        }
        RuntimeAPIHandler.writeResponse(
            context: context,
            status: .ok,
            headers: headers,
            body: payload,
            keepAlive: keepAlive
        )
    }
}
