import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import Invoker

/// Responses a worker streams to its Runtime API endpoint (`Lambda-Runtime-Function-Response-Mode: streaming`), and
/// the 6 MB limit of buffered ones, against a raw HTTP/1.1 client.
@Suite("Runtime API listener: streamed and oversized responses")
struct RuntimeAPIStreamingTests {
    private static let streaming = ["Lambda-Runtime-Function-Response-Mode": "streaming"]

    @Test("a streamed response reaches the pool chunk by chunk, before the worker ends it")
    func streamedChunks() async throws {
        let (connection, client) = try await Self.connect()
        try await client.send(.GET, "/2018-06-01/runtime/invocation/next")
        async let reply = connection.invoke(Self.invocation("s-1"), timeout: .seconds(30))
        #expect(try await client.receive().status == .ok)

        var headers = Self.streaming
        headers["Content-Type"] = "text/plain"
        try await client.sendHead(.POST, "/2018-06-01/runtime/invocation/s-1/response", headers: headers, chunked: true)
        try await client.sendChunk(ByteBuffer(string: "first "))
        guard case .stream(let stream) = try await reply else {
            Issue.record("expected a stream")
            return
        }
        #expect(stream.contentType == "text/plain")
        // The first chunk arrives while the worker has not finished its request.
        #expect(await stream.next().map { String(buffer: $0) } == "first ")
        try await client.sendChunk(ByteBuffer(string: "second"))
        #expect(await stream.next().map { String(buffer: $0) } == "second")
        try await client.sendEnd()
        #expect(await stream.next() == nil)
        guard case .complete = stream.ending else {
            Issue.record("expected a complete stream, got \(String(describing: stream.ending))")
            return
        }
        #expect(stream.totalBytes == 12)
        #expect(try await client.receive().status == .accepted)

        // The invocation is answered: streaming to it again is an unknown id.
        try await client.send(
            .POST,
            "/2018-06-01/runtime/invocation/s-1/response",
            headers: Self.streaming,
            chunks: ["x"]
        )
        let again = try await client.receive()
        #expect(again.status == .badRequest && again.body.contains("InvalidRequestID"))
        try await client.close()
    }

    @Test("error trailers end the stream with the function's error")
    func errorTrailers() async throws {
        let (connection, client) = try await Self.connect()
        try await client.send(.GET, "/2018-06-01/runtime/invocation/next")
        async let reply = connection.invoke(Self.invocation("s-2"), timeout: .seconds(30))
        #expect(try await client.receive().status == .ok)
        try await client.sendHead(
            .POST,
            "/2018-06-01/runtime/invocation/s-2/response",
            headers: Self.streaming.merging(
                ["Trailer": "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body"]
            ) { $1 },
            chunked: true
        )
        try await client.sendChunk(ByteBuffer(string: "partial"))
        let document = #"{"errorType":"StreamError","errorMessage":"broke halfway"}"#
        try await client.sendEnd(trailers: [
            "Lambda-Runtime-Function-Error-Type": "StreamError",
            "Lambda-Runtime-Function-Error-Body": Data(document.utf8).base64EncodedString(),
        ])
        guard case .stream(let stream) = try await reply else {
            Issue.record("expected a stream")
            return
        }
        #expect(await stream.next().map { String(buffer: $0) } == "partial")
        #expect(await stream.next() == nil)
        guard case .error(let error) = stream.ending else {
            Issue.record("expected an error, got \(String(describing: stream.ending))")
            return
        }
        #expect(error.type == "StreamError" && error.message == "broke halfway")
        #expect(try await client.receive().status == .accepted)
        try await client.close()
    }

    @Test("a worker that dies while streaming ends the stream with its exit")
    func workerGone() async throws {
        let (connection, client) = try await Self.connect()
        try await client.send(.GET, "/2018-06-01/runtime/invocation/next")
        async let reply = connection.invoke(Self.invocation("s-3"), timeout: .seconds(30))
        #expect(try await client.receive().status == .ok)
        try await client.sendHead(
            .POST,
            "/2018-06-01/runtime/invocation/s-3/response",
            headers: Self.streaming,
            chunked: true
        )
        guard case .stream(let stream) = try await reply else {
            Issue.record("expected a stream")
            return
        }
        connection.close(exit: .signaled(9))
        #expect(await stream.next() == nil)
        guard case .workerGone(.signaled(9)) = stream.ending else {
            Issue.record("expected the worker's exit, got \(String(describing: stream.ending))")
            return
        }
        try? await client.close()
    }

    @Test("a buffered response over 6 MB is refused with 413 and fails the invocation")
    func oversizedResponse() async throws {
        let (connection, client) = try await Self.connect()
        try await client.send(.GET, "/2018-06-01/runtime/invocation/next")
        async let reply = connection.invoke(Self.invocation("big"), timeout: .seconds(30))
        #expect(try await client.receive().status == .ok)
        try await client.sendHead(
            .POST,
            "/2018-06-01/runtime/invocation/big/response",
            headers: ["Content-Length": String(Invocation.maxPayloadBytes + 1)],
            chunked: false
        )
        try await client.sendChunk(
            ByteBuffer(repeating: UInt8(ascii: "x"), count: Invocation.maxPayloadBytes + 1)
        )
        try await client.sendEnd()
        let refused = try await client.receive()
        #expect(refused.status == .payloadTooLarge && refused.body.contains("RequestEntityTooLarge"))
        guard case .error(let error) = try await reply else {
            Issue.record("expected an error")
            return
        }
        #expect(error.type == "Function.ResponseSizeTooLarge" && error.message.contains("6291456 bytes"))
        try await client.close()
    }

    @Test("back-pressure: reading pauses past the high watermark and resumes once drained to the low one")
    func backPressure() async {
        let resumed = Mutex(0)
        let stream = ResponseStream(contentType: nil) { resumed.withLock { $0 += 1 } }
        let chunk = ByteBuffer(repeating: 0, count: 64 * 1024)
        var accepted: [Bool] = []
        for _ in 0..<(ResponseStream.highWatermark / chunk.readableBytes) { accepted.append(stream.append(chunk)) }
        #expect(accepted.dropLast().allSatisfy { $0 } && accepted.last == false)
        for _ in 0..<2 { _ = await stream.next() }
        #expect(resumed.withLock { $0 } == 0, "still above the low watermark")
        _ = await stream.next()
        #expect(resumed.withLock { $0 } == 1)
        stream.end(.complete)
        _ = await stream.next()
        #expect(await stream.next() == nil)
        #expect(stream.totalBytes == ResponseStream.highWatermark)
    }

    private static func connect() async throws -> (RuntimeAPIConnection, RawHTTPClient) {
        let connection = try await RuntimeAPIConnection.listen(on: MultiThreadedEventLoopGroup.singleton.next()) { _ in
        }
        let port = try #require(connection.environment["AWS_LAMBDA_RUNTIME_API"]?.split(separator: ":").last)
        return (connection, try await RawHTTPClient(port: Int(port)!))
    }

    private static func invocation(_ id: String) -> Invocation {
        Invocation(id: id, payload: ByteBuffer(string: "{}"), deadlineEpochMs: 0, functionARN: "", traceID: "")
    }
}
