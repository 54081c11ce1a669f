import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Runtime API (2018-06-01) client: one keep-alive HTTP/1.1 connection to the invoker, one request at a time.
///
/// The actor runs on the connection's event loop, so a request goes straight to the channel handler and its
/// response comes back without another hop.
actor RuntimeAPIClient: RuntimeClient {
    nonisolated let unownedExecutor: UnownedSerialExecutor
    private let handler: NIOLoopBound<RuntimeAPIChannelHandler>
    /// The `host` header every request carries.
    private let authority: String
    private let nextRequest: HTTPRequestHead

    private init(eventLoop: any EventLoop, handler: NIOLoopBound<RuntimeAPIChannelHandler>, authority: String) {
        self.unownedExecutor = eventLoop.executor.asUnownedSerialExecutor()
        self.handler = handler
        self.authority = authority
        self.nextRequest = HTTPRequestHead(
            version: .http1_1,
            method: .GET,
            uri: "/2018-06-01/runtime/invocation/next",
            headers: ["host": authority]
        )
    }

    /// Connects to the Runtime API at `host:port`.
    static func connect(
        host: String,
        port: Int,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> RuntimeAPIClient {
        let bootstrap = ClientBootstrap(group: group).channelOption(.tcpOption(.tcp_nodelay), value: 1)
        // An IP literal (what the invoker passes) connects without a resolver round trip.
        let handler =
            if let address = try? SocketAddress(ipAddress: host, port: port) {
                try await bootstrap.connect(to: address, channelInitializer: Self.initialize)
            } else {
                try await bootstrap.connect(host: host, port: port, channelInitializer: Self.initialize)
            }
        return RuntimeAPIClient(eventLoop: handler.eventLoop, handler: handler, authority: "\(host):\(port)")
    }

    private static func initialize(
        _ channel: any Channel
    ) -> EventLoopFuture<NIOLoopBound<RuntimeAPIChannelHandler>> {
        channel.eventLoop.makeCompletedFuture {
            let handler = RuntimeAPIChannelHandler()
            try channel.pipeline.syncOperations.addHTTPClientHandlers()
            try channel.pipeline.syncOperations.addHandler(handler)
            return NIOLoopBound(handler, eventLoop: channel.eventLoop)
        }
    }

    func nextInvocation() async throws -> (InvocationMetadata, InvocationEvent) {
        let response = try await self.send(self.nextRequest, body: nil)
        try Self.expect(.ok, from: response, to: self.nextRequest)
        return (try InvocationMetadata(headers: response.head.headers), .bytes(response.body ?? ByteBuffer()))
    }

    func reportResponse(requestID: String, body: ByteBuffer) async throws {
        try await self.post("/2018-06-01/runtime/invocation/\(requestID)/response", body: body)
    }

    func reportError(requestID: String, error: FunctionError) async throws {
        try await self.post("/2018-06-01/runtime/invocation/\(requestID)/error", error: error)
    }

    func reportInitError(_ error: FunctionError) async throws {
        try await self.post("/2018-06-01/runtime/init/error", error: error)
    }

    /// Starts the `POST …/response` of a streamed response: chunked, declaring the error trailers, as Lambda's
    /// runtime clients send it.
    func startStream(requestID: String, contentType: String) throws {
        let headers: HTTPHeaders = [
            "host": self.authority,
            "content-type": contentType,
            "lambda-runtime-function-response-mode": "streaming",
            "transfer-encoding": "chunked",
            "trailer": "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body",
        ]
        try self.handler.value.startStream(Self.streamRequest(requestID, headers: headers))
    }

    func writeStream(requestID: String, chunk: ByteBuffer) async throws {
        let written = self.handler.eventLoop.makePromise(of: Void.self)
        self.handler.value.writeChunk(chunk, promise: written)
        do {
            try await written.futureResult.get()
        } catch let error as RuntimeClientError {
            throw error
        } catch {
            throw RuntimeClientError.connectionClosed(during: "a streamed response")
        }
    }

    /// Ends the streamed response; an error goes in the trailers, its document base64-encoded, as Lambda expects.
    func finishStream(requestID: String, error: FunctionError?) async throws {
        var trailers: HTTPHeaders?
        if let error {
            trailers = [
                "Lambda-Runtime-Function-Error-Type": error.errorType,
                "Lambda-Runtime-Function-Error-Body": try JSONEncoder().encode(error).base64EncodedString(),
            ]
        }
        let response = try await withUnsafeThrowingContinuation { continuation in
            self.handler.value.endStream(trailers: trailers, continuation: continuation)
        }
        try Self.expect(.accepted, from: response, to: Self.streamRequest(requestID, headers: [:]))
    }

    private static func streamRequest(_ requestID: String, headers: HTTPHeaders) -> HTTPRequestHead {
        HTTPRequestHead(
            version: .http1_1,
            method: .POST,
            uri: "/2018-06-01/runtime/invocation/\(requestID)/response",
            headers: headers
        )
    }

    private func post(_ uri: String, error: FunctionError) async throws {
        let body = ByteBuffer(bytes: try JSONEncoder().encode(error))
        try await self.post(
            uri,
            body: body,
            extraHeaders: [
                ("content-type", "application/json"),
                ("Lambda-Runtime-Function-Error-Type", error.errorType),
            ]
        )
    }

    private func post(_ uri: String, body: ByteBuffer, extraHeaders: [(String, String)] = []) async throws {
        var headers = HTTPHeaders()
        headers.reserveCapacity(2 + extraHeaders.count)
        headers.add(name: "host", value: self.authority)
        headers.add(name: "content-length", value: String(body.readableBytes))
        headers.add(contentsOf: extraHeaders)
        let request = HTTPRequestHead(version: .http1_1, method: .POST, uri: uri, headers: headers)
        let response = try await self.send(request, body: body)
        try Self.expect(.accepted, from: response, to: request)
    }

    private func send(_ request: HTTPRequestHead, body: ByteBuffer?) async throws -> RuntimeAPIChannelHandler.Response {
        try await withUnsafeThrowingContinuation { continuation in
            self.handler.value.send(request, body: body, continuation: continuation)
        }
    }

    private static func expect(
        _ status: HTTPResponseStatus,
        from response: RuntimeAPIChannelHandler.Response,
        to request: HTTPRequestHead
    ) throws {
        guard response.head.status != status else { return }
        throw RuntimeClientError(
            code: .unexpectedStatus,
            message: """
                The Runtime API answered \(request.method.rawValue) \(request.uri) with \(response.head.status.code), \
                expected \(status.code): \(response.body.map { String(buffer: $0) } ?? "")
                """
        )
    }
}
