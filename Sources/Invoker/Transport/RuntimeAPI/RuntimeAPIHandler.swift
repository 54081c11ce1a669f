import NIOCore
import NIOHTTP1

/// Serves one worker connection of the Lambda Runtime API: a plain NIO HTTP/1.1 handler, not a router.
final class RuntimeAPIHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private static let prefix = "/2018-06-01/runtime/"
    private let connection: RuntimeAPIConnection
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var tooLarge = false
    private var parked: NextRequest?
    /// The request streams a response (`Lambda-Runtime-Function-Response-Mode: streaming`): the invocation id and
    /// its stream, or no stream when the id was not the invocation in flight.
    private var streaming: (id: String, stream: ResponseStream?)?

    init(connection: RuntimeAPIConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = nil
            self.tooLarge = false
            self.streaming = Self.streamedResponseID(head).map { id in
                (id, beginStream(id: id, head: head, context: context))
            }
        case .body(let chunk) where streaming != nil:
            if let stream = streaming?.stream, !stream.append(chunk) {
                context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            }
        case .end(let trailers) where streaming != nil:
            let (id, stream) = streaming!
            let keepAlive = head?.isKeepAlive ?? false
            (self.head, self.streaming) = (nil, nil)
            guard let stream else {
                return rejectUnknownID(context, keepAlive, id: id)
            }
            connection.endStream(id: id, stream, Self.ending(trailers: trailers))
            accepted(context, keepAlive)
        case .body(var chunk):
            guard !tooLarge else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > Invocation.maxPayloadBytes {
                tooLarge = true
                body = nil
            } else if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            route(head, body: body ?? ByteBuffer(), context: context)
            body = nil
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let parked {
            connection.abandon(parked)
            self.parked = nil
        }
        context.fireChannelInactive()
    }

    private func route(_ head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let keepAlive = head.isKeepAlive
        guard head.uri.hasPrefix(Self.prefix) else {
            return reject(.notFound, "InvalidRequest", "no such Runtime API resource: \(head.uri)", context, keepAlive)
        }
        let parts = head.uri.dropFirst(Self.prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        switch (head.method, parts.count, parts.first, parts.last) {
        case (.GET, 2, "invocation", "next"):
            let request = NextRequest(handler: self, context: context, keepAlive: keepAlive)
            if let invocation = connection.next(request) {
                NextRequest.write(invocation, to: context, keepAlive: keepAlive)
            } else {
                parked = request
            }
        case (.POST, 3, "invocation", "response"):
            guard !tooLarge else {
                // Like Lambda, the invocation fails; the worker learns why from the 413.
                let limit = Invocation.maxPayloadBytes
                _ = connection.complete(id: String(parts[1]), with: .error(.responseTooLarge(limit: limit)))
                return reject(
                    .payloadTooLarge,
                    "RequestEntityTooLarge",
                    "Exceeded maximum allowed payload size (\(limit) bytes).",
                    context,
                    keepAlive
                )
            }
            answer(id: String(parts[1]), reply: .response(body), context: context, keepAlive: keepAlive)
        case (.POST, 3, "invocation", "error"):
            let error = WorkerError(
                posted: body,
                headerType: head.headers.first(name: "lambda-runtime-function-error-type")
            )
            answer(id: String(parts[1]), reply: .error(error), context: context, keepAlive: keepAlive)
        case (.POST, 2, "init", "error"):
            connection.initFailed(
                WorkerError(posted: body, headerType: head.headers.first(name: "lambda-runtime-function-error-type"))
            )
            accepted(context, keepAlive)
        default:
            reject(
                .notFound,
                "InvalidRequest",
                "no such Runtime API resource: \(head.method) \(head.uri)",
                context,
                keepAlive
            )
        }
    }

    private func answer(id: String, reply: WorkerReply, context: ChannelHandlerContext, keepAlive: Bool) {
        parked = nil
        if connection.complete(id: id, with: reply) {
            accepted(context, keepAlive)
        } else {
            rejectUnknownID(context, keepAlive, id: id)
        }
    }

    private func rejectUnknownID(_ context: ChannelHandlerContext, _ keepAlive: Bool, id: String) {
        reject(
            .badRequest,
            "InvalidRequestID",
            "invalid request id \(id): unknown or already answered",
            context,
            keepAlive
        )
    }

    /// Starts relaying a streamed response to invocation `id`; nil when `id` is not the invocation in flight.
    private func beginStream(id: String, head: HTTPRequestHead, context: ChannelHandlerContext) -> ResponseStream? {
        parked = nil
        let channel = context.channel
        return connection.beginStream(id: id, contentType: head.headers.first(name: "content-type")) {
            channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        }
    }

    private func accepted(_ context: ChannelHandlerContext, _ keepAlive: Bool) {
        Self.writeJSON(#"{"status":"OK"}"#, status: .accepted, context: context, keepAlive: keepAlive)
    }

    private func reject(
        _ status: HTTPResponseStatus,
        _ type: String,
        _ message: String,
        _ context: ChannelHandlerContext,
        _ keepAlive: Bool
    ) {
        Self.writeJSON(
            ErrorDocument(errorType: type, errorMessage: message).json,
            status: status,
            context: context,
            keepAlive: keepAlive
        )
    }

    private static func writeJSON(
        _ json: String,
        status: HTTPResponseStatus,
        context: ChannelHandlerContext,
        keepAlive: Bool
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(json.utf8.count))
        writeResponse(
            context: context,
            status: status,
            headers: headers,
            body: ByteBuffer(string: json),
            keepAlive: keepAlive
        )
    }

    /// Writes a whole response in one flush, closing the connection afterwards unless it is kept alive.
    static func writeResponse(
        context: ChannelHandlerContext,
        status: HTTPResponseStatus,
        headers: HTTPHeaders,
        body: ByteBuffer,
        keepAlive: Bool
    ) {
        var headers = headers
        if !keepAlive { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        if body.readableBytes > 0 {
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(body))), promise: nil)
        }
        guard !keepAlive else {
            return context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
        }
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
