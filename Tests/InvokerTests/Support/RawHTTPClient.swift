import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client over one keep-alive connection: send a request, read its response.
final class RawHTTPClient {
    struct Answer {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: String
    }

    private let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
    private var responses: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator

    init(port: Int) async throws {
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
                }
            }
        responses = channel.inbound.makeAsyncIterator()
    }

    func send(_ method: HTTPMethod, _ uri: String, headers: [String: String] = [:], chunks: [String] = []) async throws
    {
        try await sendHead(method, uri, headers: headers, chunked: !chunks.isEmpty)
        for chunk in chunks { try await sendChunk(ByteBuffer(string: chunk)) }
        try await sendEnd()
    }

    /// Sends a request's head only, for a body sent piece by piece.
    func sendHead(_ method: HTTPMethod, _ uri: String, headers: [String: String] = [:], chunked: Bool) async throws {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        head.headers.add(name: "host", value: "127.0.0.1")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if chunked { head.headers.add(name: "transfer-encoding", value: "chunked") }
        try await channel.outbound.write(.head(head))
    }

    /// Sends a piece of the request's body.
    func sendChunk(_ chunk: ByteBuffer) async throws {
        try await channel.outbound.write(.body(.byteBuffer(chunk)))
    }

    /// Ends the request, with trailers if any.
    func sendEnd(trailers: [String: String] = [:]) async throws {
        try await channel.outbound.write(.end(trailers.isEmpty ? nil : HTTPHeaders(Array(trailers))))
    }

    func receive() async throws -> Answer {
        var answer = Answer(status: .imATeapot, headers: [:], body: "")
        while let part = try await responses.next() {
            switch part {
            case .head(let head): (answer.status, answer.headers) = (head.status, head.headers)
            case .body(let buffer): answer.body += String(buffer: buffer)
            case .end: return answer
            }
        }
        throw ChannelError.eof
    }

    /// Reads a response's head, leaving its body to ``receiveBodyPart()``: for a response that streams.
    func receiveHead() async throws -> HTTPResponseHead {
        while let part = try await responses.next() {
            if case .head(let head) = part { return head }
        }
        throw ChannelError.eof
    }

    /// The next piece of the body whose head ``receiveHead()`` read; nil at its end.
    func receiveBodyPart() async throws -> String? {
        while let part = try await responses.next() {
            switch part {
            case .head: continue
            case .body(let buffer): return String(buffer: buffer)
            case .end: return nil
            }
        }
        throw ChannelError.eof
    }

    /// Finishes the writing side and leaves the connection to the server: for a test that lets the server end it.
    func finishWriting() {
        channel.outbound.finish()
    }

    func close() async throws {
        channel.outbound.finish()
        try await channel.channel.close()
    }
}
