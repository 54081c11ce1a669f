import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Holds one HTTP/1.1 connection to the ``HTTPEdgePolicy``: the head and body timeouts, the idle keep-alive timeout,
/// the early `413` from a declared `Content-Length`, JSON answers to requests the parser rejects (`400`, `431`) and
/// to `CONNECT` (`501`), and what happens after an answer that leaves a request body unread: the rest is drained
/// when it is small and the connection kept, else the connection is closed, lingering briefly so that the client
/// reads the answer rather than a reset.
///
/// It sits between the HTTP codec and Hummingbird's request loop, one per connection; the server's channel builder
/// adds it (see ``HTTPEdgePolicy``).
final class HTTPEdgeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Where the request being read is.
    private enum RequestState {
        /// Before a request (the first, or the next on a kept-alive connection), when nothing of it has arrived.
        case waiting
        /// Bytes of a head arrived, not the whole head.
        case head
        /// The head was passed on; the body is arriving.
        case body
        /// The whole request was read.
        case complete
    }

    /// What the timer, when it fires, means.
    private enum Deadline {
        case idle, head, body, linger
    }

    private let policy: HTTPEdgePolicy
    private var request = RequestState.waiting
    /// Heads passed on, and answers finished, on this connection: with pipelining the answer being written may
    /// belong to an earlier request than the one being read.
    private var headsRead = 0
    private var answersEnded = 0
    private var answerStarted = false
    /// The body bytes of the latest request still to come, when its `Content-Length` tells.
    private var bodyLeft: Int?
    /// The latest request's path, for the shape of the errors answered to it.
    private var path = "/"
    /// Whether the latest request is a `CONNECT`.
    private var isConnect = false
    /// Whether the connection closes after the answer being written.
    private var closeAfterAnswer = false
    /// Whether what arrives is discarded: the server has answered, or will, without reading further.
    private var discarding = false
    /// An answer of the edge's own, waiting for the answer before it to end.
    private var pendingAnswer: EdgeError?
    /// Whether the edge answered itself: every answer written after its own is refused.
    private var answeredByEdge = false
    /// Whether the request loop asked for more input since the last arrived.
    private var readPending = false
    /// Whether the read being processed delivered parts (else it delivered only bytes of an unfinished head).
    private var partsInThisRead = false
    private var timer: Scheduled<Void>?
    private var deadline: Deadline?

    init(policy: HTTPEdgePolicy) {
        self.policy = policy
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // A new connection is idle until its first byte: clients and proxies open connections ahead of need.
        if context.channel.isActive { arm(.idle, context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelActive(context: ChannelHandlerContext) {
        if timer == nil { arm(.idle, context: context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        readPending = false
        partsInThisRead = true
        guard !discarding else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            received(head, data: data, context: context)
        case .body(let chunk):
            if let left = bodyLeft { bodyLeft = left - chunk.readableBytes }
            arm(.body, context: context)
            context.fireChannelRead(data)
        case .end:
            request = .complete
            bodyLeft = 0
            if answersEnded == headsRead {
                // Answered early and drained: ready for the next request.
                request = .waiting
                arm(.idle, context: context)
            } else {
                disarm()
            }
            context.fireChannelRead(data)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        defer { partsInThisRead = false }
        if discarding {
            // Keep reading (and discarding) until the client closes or the linger ends.
            context.read()
        } else if request == .waiting, !partsInThisRead {
            // Bytes arrived and no head yet: the head timeout runs from now.
            request = .head
            if deadline == .idle { arm(.head, context: context) }
        }
        // Passed on in every case: parts passed on before the discarding began are delivered on it.
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        readPending = true
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !answeredByEdge else {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            answerStarted = true
            if answersEnded + 1 == headsRead, request != .complete,
                !(bodyLeft.map { $0 <= policy.drainLimit } ?? false)
            {
                // An early answer: the connection is kept only to drain a small, known rest of the body.
                closeAfterAnswer = true
            }
            if closeAfterAnswer { head.headerFields[.connection] = "close" }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            answerStarted = false
            answersEnded += 1
            let ended = context.eventLoop.makePromise(of: Void.self)
            if let promise { ended.futureResult.cascade(to: promise) }
            context.write(data, promise: ended)
            ended.futureResult.assumeIsolated().whenComplete { _ in self.answerEnded(context: context) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // What follows an answer is discarded, garbage included.
        guard !discarding else { return }
        if request == .body {
            // The route reading the body must stop.
            context.fireErrorCaught(error)
        }
        switch error {
        case .headerOverflow: answer(.headTooLarge(limit: policy.maxHeaderBytes), context: context)
        default: answer(.badRequest("\(error)"), context: context)
        }
    }

    /// A request head arrived: refused at once when its method or declared length says so, else passed on.
    private func received(_ head: HTTPRequest, data: NIOAny, context: ChannelHandlerContext) {
        headsRead += 1
        request = .body
        path = head.path.map { String($0.prefix { $0 != "?" }) } ?? "/"
        let length = head.headerFields[.contentLength].flatMap { Int($0) }
        bodyLeft = head.headerFields[.transferEncoding] == nil ? (length ?? 0) : nil
        closeAfterAnswer =
            closeAfterAnswer
            || head.headerFields[values: .connection].contains { $0.lowercased().contains("close") }
        isConnect = head.method == .connect
        if isConnect {
            answer(.notImplemented(head.method), context: context)
        } else if let length, length > policy.maxBodyBytes {
            answer(.payloadTooLarge(limit: policy.maxBodyBytes), context: context)
        } else {
            arm(.body, context: context)
            context.fireChannelRead(data)
        }
    }

    /// How many answers must end before the edge may answer the request being read itself; nil when the route it
    /// was passed to answers it (or has).
    private var answersOwed: Int? {
        switch request {
        case .waiting, .head:
            return headsRead - answersEnded
        case .body, .complete:
            if answersEnded >= headsRead || (answersEnded == headsRead - 1 && answerStarted) { return nil }
            return headsRead - 1 - answersEnded
        }
    }

    /// Answers `error` itself, after the answers owed to earlier requests, and closes the connection; when the
    /// route already answers the request, closes the connection after that answer.
    private func answer(_ error: EdgeError, context: ChannelHandlerContext) {
        discarding = true
        closeAfterAnswer = true
        disarm()
        guard let owed = answersOwed else {
            if !answerStarted, answersEnded >= headsRead { linger(context: context) }
            return
        }
        if owed > 0 {
            pendingAnswer = error
        } else {
            writeAnswer(error, context: context)
        }
    }

    private func writeAnswer(_ error: EdgeError, context: ChannelHandlerContext) {
        answeredByEdge = true
        let (head, body) = error.parts(path: path)
        var fields = head.headerFields
        fields[.connection] = "close"
        if isConnect, let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
        {
            // NIO's encoder frames every answer to CONNECT as a tunnel's, without a body or its length, which
            // leaves the client waiting: the answer is written as bytes past it.
            var bytes = ByteBuffer(string: "HTTP/1.1 \(head.status.code) \(head.status.reasonPhrase)\r\n")
            for field in fields { bytes.writeString("\(field.name.rawName): \(field.value)\r\n") }
            bytes.writeString("\r\n")
            bytes.writeImmutableBuffer(body)
            let written = context.eventLoop.makePromise(of: Void.self)
            encoder.writeAndFlush(NIOAny(bytes), promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in self.linger(context: context) }
            return
        }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: head.status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let ended = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: ended)
        ended.futureResult.assumeIsolated().whenComplete { _ in self.linger(context: context) }
    }

    private func answerEnded(context: ChannelHandlerContext) {
        if let pending = pendingAnswer {
            if answersOwed == 0 {
                pendingAnswer = nil
                writeAnswer(pending, context: context)
            }
        } else if closeAfterAnswer {
            linger(context: context)
        } else if request == .complete, answersEnded == headsRead {
            request = .waiting
            arm(.idle, context: context)
        }
    }

    /// Closes the sending side and discards what still arrives until the client closes or the linger time ends.
    private func linger(context: ChannelHandlerContext) {
        guard deadline != .linger, context.channel.isActive else { return }
        discarding = true
        context.close(mode: .output, promise: nil)
        arm(.linger, context: context)
        context.read()
    }

    private func expired(_ deadline: Deadline, context: ChannelHandlerContext) {
        switch deadline {
        case .idle, .linger:
            context.close(promise: nil)
        case .head:
            answer(.timeout("head", policy.headTimeout), context: context)
        case .body:
            guard readPending else {
                // The route is not reading (its worker is busy): the client is not the slow one.
                arm(.body, context: context)
                return
            }
            if answersOwed == nil {
                context.close(promise: nil)
            } else {
                // The route waiting for the body must stop.
                context.fireErrorCaught(EdgeError.timeout("body", policy.bodyTimeout))
                answer(.timeout("body", policy.bodyTimeout), context: context)
            }
        }
    }

    private func arm(_ deadline: Deadline, context: ChannelHandlerContext) {
        disarm()
        let timeout =
            switch deadline {
            case .idle: policy.idleTimeout
            case .head: policy.headTimeout
            case .body: policy.bodyTimeout
            case .linger: policy.lingerTimeout
            }
        self.deadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            self.timer = nil
            self.deadline = nil
            self.expired(deadline, context: context)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
        deadline = nil
    }
}
