import Hummingbird
import NIOCore

extension InvokeAPIRoutes {
    /// Queues an `Event` invocation of `function` with `payload` as its event, as Lambda does: `202` with an empty body
    /// and the queued message's id as `x-amzn-RequestId`; an event over 256 KiB is `413 RequestTooLargeException`.
    func queueEvent(_ payload: ByteBuffer, of function: String) async throws -> Response {
        guard let asyncInvocations else {
            throw InvokerError(.invalidRequest, "X-Amz-Invocation-Type \"Event\" is not supported by this invoker")
        }
        guard payload.readableBytes <= PayloadLimits.asynchronousEvent else {
            throw InvokerError(
                .payloadTooLarge,
                "the event is \(payload.readableBytes) bytes, more than the limit of \(PayloadLimits.asynchronousEvent)"
                    + " bytes for asynchronous invocations"
            )
        }
        let event = payload.readableBytes == 0 ? Array("{}".utf8) : Array(payload.readableBytesView)
        let sent: SentMessage
        do {
            sent = try await asyncInvocations.enqueue(event, of: function, callbackURL: nil)
        } catch let error as QueueError {
            throw InvokerError(.configuration, error.message)
        }
        var headers = HTTPFields()
        headers[.amznRequestID] = sent.messageId
        headers[.contentLength] = "0"
        return Response(status: .accepted, headers: headers)
    }
}
