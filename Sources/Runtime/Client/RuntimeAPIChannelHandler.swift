import NIOCore
import NIOHTTP1

/// Carries one HTTP/1.1 exchange at a time over the Runtime API connection: sends a request, collects its response.
/// A streamed response's request is sent in parts: its head, its body's chunks as they come, then its end.
///
/// Used only on the channel's event loop, where ``RuntimeAPIClient`` runs.
final class RuntimeAPIChannelHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// A complete response.
    struct Response: Sendable {
        var head: HTTPResponseHead
        /// The body; `nil` when the response has none.
        var body: ByteBuffer?
    }

    private enum State {
        case idle
        /// A request whose body is being streamed; its response is awaited once it ends.
        case streaming(HTTPRequestHead)
        case awaitingHead(HTTPRequestHead, UnsafeContinuation<Response, any Error>)
        case receivingBody(HTTPRequestHead, UnsafeContinuation<Response, any Error>, HTTPResponseHead, ByteBuffer?)
        case closed
    }

    private var state = State.idle
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Sends a request; `continuation` is resumed with its response, or with the error that prevented one.
    func send(_ head: HTTPRequestHead, body: ByteBuffer?, continuation: UnsafeContinuation<Response, any Error>) {
        switch self.state {
        case .idle:
            guard let context = self.context else {
                continuation.resume(throwing: RuntimeClientError.connectionClosed(during: Self.describe(head)))
                return
            }
            self.state = .awaitingHead(head, continuation)
            context.write(self.wrapOutboundOut(.head(head)), promise: nil)
            if let body {
                context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            }
            context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        case .closed:
            continuation.resume(throwing: RuntimeClientError.connectionClosed(during: Self.describe(head)))
        case .streaming(let inFlight), .awaitingHead(let inFlight, _), .receivingBody(let inFlight, _, _, _):
            preconditionFailure("\(Self.describe(head)) was sent while \(Self.describe(inFlight)) was in flight")
        }
    }

    /// Sends the head of a request whose body follows in ``writeChunk(_:promise:)``s and ends with
    /// ``endStream(trailers:continuation:)``.
    func startStream(_ head: HTTPRequestHead) throws {
        switch self.state {
        case .idle:
            guard let context = self.context else {
                throw RuntimeClientError.connectionClosed(during: Self.describe(head))
            }
            self.state = .streaming(head)
            context.writeAndFlush(self.wrapOutboundOut(.head(head)), promise: nil)
        case .closed:
            throw RuntimeClientError.connectionClosed(during: Self.describe(head))
        case .streaming(let inFlight), .awaitingHead(let inFlight, _), .receivingBody(let inFlight, _, _, _):
            preconditionFailure("\(Self.describe(head)) was sent while \(Self.describe(inFlight)) was in flight")
        }
    }

    /// Sends a chunk of the streamed request's body; `promise` learns when it is written, or why it was not.
    func writeChunk(_ chunk: ByteBuffer, promise: EventLoopPromise<Void>) {
        guard case .streaming = self.state, let context = self.context else {
            return promise.fail(RuntimeClientError.connectionClosed(during: "a streamed response"))
        }
        // An empty chunk would read as the end of a chunked body.
        guard chunk.readableBytes > 0 else { return promise.succeed() }
        context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(chunk))), promise: promise)
    }

    /// Ends the streamed request's body with `trailers`; `continuation` is resumed with its response.
    func endStream(trailers: HTTPHeaders?, continuation: UnsafeContinuation<Response, any Error>) {
        guard case .streaming(let head) = self.state, let context = self.context else {
            return continuation.resume(throwing: RuntimeClientError.connectionClosed(during: "a streamed response"))
        }
        self.state = .awaitingHead(head, continuation)
        context.writeAndFlush(self.wrapOutboundOut(.end(trailers)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            guard case .awaitingHead(let request, let continuation) = self.state else {
                return self.failOutOfOrder(context: context)
            }
            self.state = .receivingBody(request, continuation, head, nil)
        case .body(let part):
            guard case .receivingBody(let request, let continuation, let head, var body) = self.state else {
                return self.failOutOfOrder(context: context)
            }
            // Drop the state's reference to the bytes first, so appending to them does not copy them.
            self.state = .idle
            if body == nil {
                body = part
            } else {
                body?.writeImmutableBuffer(part)
            }
            self.state = .receivingBody(request, continuation, head, body)
        case .end:
            guard case .receivingBody(_, let continuation, let head, let body) = self.state else {
                return self.failOutOfOrder(context: context)
            }
            self.state = .idle
            continuation.resume(returning: Response(head: head, body: body))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.failRequestInFlight(nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // After an error the connection's state is unknown: give it up.
        self.failRequestInFlight(error)
        context.close(promise: nil)
    }

    /// Fails the request in flight, if any, with `error` (`nil`: the connection closed); no request may follow.
    private func failRequestInFlight(_ error: (any Error)?) {
        let state = self.state
        self.state = .closed
        switch state {
        case .awaitingHead(let request, let continuation), .receivingBody(let request, let continuation, _, _):
            continuation.resume(throwing: Self.clientError(error, during: Self.describe(request)))
        case .idle, .streaming, .closed:
            break
        }
    }

    private func failOutOfOrder(context: ChannelHandlerContext) {
        self.failRequestInFlight(
            RuntimeClientError(code: .malformedResponse, message: "The Runtime API sent a response part out of order")
        )
        context.close(promise: nil)
    }

    private static func clientError(_ error: (any Error)?, during request: String) -> RuntimeClientError {
        switch error {
        case let error as RuntimeClientError:
            return error
        case nil, is IOError, is ChannelError:
            return .connectionClosed(during: request)
        case let error?:
            return RuntimeClientError(
                code: .malformedResponse,
                message: "The Runtime API's answer to \(request) is not valid HTTP: \(error)"
            )
        }
    }

    private static func describe(_ head: HTTPRequestHead) -> String {
        "\(head.method.rawValue) \(head.uri)"
    }
}
