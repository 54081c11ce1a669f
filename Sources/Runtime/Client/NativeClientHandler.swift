import NIOCore

/// The worker's end of the native transport: receives invocations, which may arrive before a loop asks for them,
/// and hands them out in order to the loops that ask (one, or the worker's `AWS_LAMBDA_MAX_CONCURRENCY`).
///
/// Used only on the channel's event loop, where ``NativeRuntimeClient`` runs.
final class NativeClientHandler: ChannelInboundHandler {
    typealias InboundIn = NativeFrame
    typealias OutboundOut = NativeFrame

    private var received: [NativeInvocation] = []
    private var waiting: [UnsafeContinuation<NativeInvocation, any Error>] = []
    private var closedBecause: RuntimeClientError?
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Resumes `continuation` with the next invocation, at once if one has arrived.
    func next(_ continuation: UnsafeContinuation<NativeInvocation, any Error>) {
        if !self.received.isEmpty {
            continuation.resume(returning: self.received.removeFirst())
        } else if let closedBecause {
            continuation.resume(throwing: closedBecause)
        } else {
            self.waiting.append(continuation)
        }
    }

    /// Sends `frame`; `promise`, if any, learns when it is written. Without one, a failed write closes the
    /// connection, which the next ``next(_:)`` reports.
    func send(_ frame: NativeFrame, promise: EventLoopPromise<Void>? = nil) throws {
        guard let context, self.closedBecause == nil else {
            throw self.closedBecause ?? .connectionClosed(during: "a reply")
        }
        context.writeAndFlush(self.wrapOutboundOut(frame), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .invoke(let invocation) = self.unwrapInboundIn(data) else {
            return self.fail(
                RuntimeClientError(code: .malformedResponse, message: "The invoker sent a frame only workers send"),
                context: context
            )
        }
        if !self.waiting.isEmpty {
            self.waiting.removeFirst().resume(returning: invocation)
        } else {
            self.received.append(invocation)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.closedBecause = self.closedBecause ?? .connectionClosed(during: "a wait for the next invocation")
        let waiting = self.waiting
        self.waiting.removeAll()
        for continuation in waiting {
            continuation.resume(throwing: self.closedBecause!)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let problem: RuntimeClientError =
            switch error {
            case let error as NativeFrameError: RuntimeClientError(code: .malformedResponse, message: "\(error)")
            default: .connectionClosed(during: "a wait for the next invocation")
            }
        self.fail(problem, context: context)
    }

    private func fail(_ error: RuntimeClientError, context: ChannelHandlerContext) {
        self.closedBecause = self.closedBecause ?? error
        context.close(promise: nil)
    }
}
