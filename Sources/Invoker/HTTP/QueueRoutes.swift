import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Runtime

/// The producers' routes and the queues' status: `POST /queue/{queue}` enqueues a message for the function that
/// consumes the queue, `POST /async-function/{name}[/…]` queues an asynchronous invocation, and in the admin API
/// `GET /system/queues` reports every queue's counts.
struct QueueRoutes: Sendable {
    /// The largest message accepted, body and attributes (SQS's limit).
    static let maxMessageBytes = 256 * 1024

    /// Where messages go.
    let store: any QueueStore
    /// Knows the functions, the queues they consume and their routes' authorizers.
    let dispatcher: Dispatcher
    /// Queues asynchronous invocations.
    let asyncInvocations: AsyncInvocations
    /// Where storage failures are reported (the caller only learns that the message was not stored).
    let logger: Logger
    /// Guards `/async-function/{name}` of functions whose routes authenticate (with the admin key).
    private var authorizers: RouteAuthorizers { dispatcher.catalog.deployment.authorizers }

    /// Adds the producers' routes to `router` and the queue administration to `admin`, the group that requires the
    /// admin key.
    func register(on router: Router<InvokerRequestContext>, admin: some RouterMethods<InvokerRequestContext>) {
        router.post("/queue/{queue}") { request, context in
            try await self.enqueue(request, queue: try context.parameters.require("queue"))
        }
        router.post("/queue/{queue}/batch") { request, context in
            try await self.enqueueBatch(request, queue: try context.parameters.require("queue"))
        }
        for path in ["/async-function/{name}", "/async-function/{name}/**"] {
            router.post(RouterPath(path)) { request, context in
                try await self.invokeAsynchronously(request, context: context)
            }
        }
        admin.get("/system/queues") { _, _ in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = try encoder.encode(try await store.statistics())
            return Response.json(status: .ok, String(decoding: body, as: UTF8.self))
        }
    }

    private func enqueue(_ request: Request, queue name: String) async throws -> Response {
        try checkConsumed(name)
        let body = try await Self.collectMessage(request)
        guard body.readableBytes > 0 else {
            throw QueueError(.invalidMessage, "the message body is empty: send the message as the request body")
        }
        let attributes = try request.headers[values: HTTPField.Name(MessageAttribute.header)!].first.map {
            try MessageAttribute.parse(json: $0)
        }
        let message = NewMessage(body: MessageBody(body.readableBytesView), attributes: attributes ?? [:])
        guard message.size <= Self.maxMessageBytes else {
            throw QueueError(
                .messageTooLarge,
                "the message and its attributes take \(message.size) bytes, more than the limit of"
                    + " \(Self.maxMessageBytes)"
            )
        }
        return try await stored { try await store.enqueue([message], to: name)[0] }
    }

    /// `POST /queue/{queue}/batch`: up to ten messages in one request, stored together or not at all.
    private func enqueueBatch(_ request: Request, queue name: String) async throws -> Response {
        try checkConsumed(name)
        let messages = try NewMessage.batch(json: try await Self.collectMessage(request))
        let sent: [SentMessage]
        do {
            sent = try await store.enqueue(messages, to: name)
        } catch let error as QueueError where error.code == .storageFailed || error.code == .cannotOpen {
            logger.error("Storing messages failed", metadata: [LogKey.error: "\(error)"])
            throw QueueError(.storageFailed, "the messages could not be stored; the invoker's log says why")
        }
        var json = JSONText(capacity: 160 * sent.count)
        json.object { json in
            json.key("messages")
            json.array { json in
                for message in sent { message.write(to: &json) }
            }
        }
        return Self.accepted(json.buffer)
    }

    /// Throws a ``QueueError`` listing the queues when no function consumes `name`.
    private func checkConsumed(_ name: String) throws {
        let queues = dispatcher.catalog.deployment.producerQueues
        guard !queues.contains(where: { $0.name == name }) else { return }
        let known = queues.map(\.name).sorted()
        throw QueueError(
            .queueNotFound,
            "no function consumes queue \"\(name)\"; "
                + (known.isEmpty
                    ? "no function has a queue trigger" : "the queues are: \(known.joined(separator: ", "))")
        )
    }

    private func invokeAsynchronously(_ request: Request, context: InvokerRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        _ = try dispatcher.pool(named: name)
        let authorizer = authorizers.generic(name)
        if case .denied(let denial) = await authorizer.check(request.headers, now: Date()) {
            let id = dispatcher.ids.next()
            dispatcher.recordDenial(denial, function: name, id: id, trigger: .event)
            return denial.response(requestID: id)
        }
        let callbackURL = try request.headers[values: .callbackURL].first.map {
            try AsyncInvocations.validateCallbackURL($0)
        }
        let body = try await Self.collectMessage(request)
        let prefix = "/async-function/\(name)"
        let rest = request.uri.path.dropFirst(min(prefix.utf8.count, request.uri.path.count))
        var event = FunctionURLRequest(
            request: request,
            body: body,
            rawPath: rest.isEmpty ? "/" : String(rest),
            routeKey: "$default",
            pathParameters: [:],
            requestID: dispatcher.ids.next(),
            apiID: name,
            sourceIP: context.remoteAddress?.ipAddress ?? "127.0.0.1",
            epochMs: EpochTime.nowMs()
        )
        // The admin key that let the caller in is not the function's to see.
        if authorizer.isRequired { event.headers["authorization"] = nil }
        let payload = Array(try JSONEncoder().encode(event))
        return try await stored { try await asyncInvocations.enqueue(payload, of: name, callbackURL: callbackURL) }
    }

    /// The request body, or a ``QueueError`` when it is larger than a message may be.
    private static func collectMessage(_ request: Request) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: maxMessageBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw QueueError(.messageTooLarge, "the message body is larger than the limit of \(maxMessageBytes) bytes")
        }
    }

    /// Stores a message with `enqueue` and answers `202 Accepted` with its id and digests once it is committed; a
    /// storage failure is logged and answered `503` without its details.
    private func stored(_ enqueue: () async throws -> SentMessage) async throws -> Response {
        let sent: SentMessage
        do {
            sent = try await enqueue()
        } catch let error as QueueError where error.code == .storageFailed || error.code == .cannotOpen {
            logger.error("Storing a message failed", metadata: [LogKey.error: "\(error)"])
            throw QueueError(.storageFailed, "the message could not be stored; the invoker's log says why")
        }
        var json = JSONText(capacity: 160)
        sent.write(to: &json)
        return Self.accepted(json.buffer)
    }

    /// `202 Accepted` with the JSON `body`.
    private static func accepted(_ body: ByteBuffer) -> Response {
        Response(
            status: .accepted,
            headers: [.contentType: "application/json", .contentLength: String(body.readableBytes)],
            body: ResponseBody(byteBuffer: body)
        )
    }
}
