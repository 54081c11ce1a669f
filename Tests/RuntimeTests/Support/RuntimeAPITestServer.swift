import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// A Runtime API stand-in on 127.0.0.1, a free port: accepts one connection, answers its requests with scripted
/// responses in order, records them, and closes the connection once the script is played out.
enum RuntimeAPITestServer {
    /// A request as the server received it.
    struct Request: Sendable {
        var method: HTTPMethod
        var uri: String
        var headers: HTTPHeaders
        var body: String
    }

    /// A scripted answer.
    struct Response: Sendable {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders = [:]
        var body = ""
    }

    /// Starts the server, runs `client` with its port, and returns the requests the server received.
    static func run(
        answering script: [Response],
        client: @escaping @Sendable (_ port: Int) async throws -> Void
    ) async throws -> [Request] {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        let port = try #require(server.channel.localAddress?.port)
        return try await withThrowingTaskGroup(of: [Request]?.self) { group in
            group.addTask {
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        return try await Self.serve(connection, script: script)
                    }
                    return []
                }
            }
            group.addTask {
                try await client(port)
                return nil
            }
            var requests: [Request] = []
            for try await result in group {
                if let result {
                    requests = result
                }
            }
            return requests
        }
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        script: [Response]
    ) async throws -> [Request] {
        try await connection.executeThenClose { inbound, outbound in
            var requests: [Request] = []
            var script = script[...]
            var request: Request?
            for try await part in inbound {
                switch part {
                case .head(let head):
                    request = Request(method: head.method, uri: head.uri, headers: head.headers, body: "")
                case .body(let body):
                    request?.body += String(buffer: body)
                case .end:
                    requests.append(try #require(request))
                    guard let response = script.popFirst() else { return requests }
                    var headers = response.headers
                    headers.replaceOrAdd(name: "content-length", value: String(response.body.utf8.count))
                    try await outbound.write(
                        contentsOf: [
                            .head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)),
                            .body(.byteBuffer(ByteBuffer(string: response.body))),
                            .end(nil),
                        ]
                    )
                    if script.isEmpty {
                        return requests
                    }
                }
            }
            return requests
        }
    }
}
