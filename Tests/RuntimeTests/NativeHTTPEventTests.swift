import NIOCore
import Testing

@testable import Runtime

/// HTTP events as the native transport delivers them: in binary form, to the typed handler without JSON.
@Suite("Native HTTP events")
struct NativeHTTPEventTests {
    struct Echo: HTTPHandler {
        func handle(_ request: FunctionURLRequest, context: Context) async throws -> FunctionURLResponse {
            FunctionURLResponse(
                statusCode: 201,
                headers: ["x-path": request.rawPath],
                cookies: ["a=1"],
                body: request.body
            )
        }
    }

    static var request: FunctionURLRequest {
        var request = FunctionURLRequestTests.request(body: "héllo", isBase64Encoded: false)
        request.cookies = ["session=1", "theme=dark"]
        request.headers = ["content-type": "text/plain", "x-empty": ""]
        request.queryStringParameters = ["q": "a b"]
        request.rawQueryString = "q=a%20b"
        return request
    }

    @Test("requests and responses read back as written, absent and empty values kept apart")
    func roundTrip() throws {
        for request in [Self.request, FunctionURLRequestTests.request(body: nil, isBase64Encoded: true)] {
            var buffer = ByteBuffer()
            buffer.writeFunctionURLRequest(request)
            #expect(try buffer.readFunctionURLRequest() == request)
            #expect(buffer.readableBytes == 0)
        }
        for response in [
            FunctionURLResponse(statusCode: 204),
            FunctionURLResponse(headers: [:], cookies: [], body: "", isBase64Encoded: false),
            FunctionURLResponse(statusCode: 302, headers: ["location": "/"], cookies: ["a=1"], isBase64Encoded: true),
        ] {
            var buffer = ByteBuffer()
            buffer.writeFunctionURLResponse(response)
            #expect(try buffer.readFunctionURLResponse() == response)
        }
        var truncated = ByteBuffer()
        truncated.writeFunctionURLRequest(Self.request)
        truncated.moveWriterIndex(to: truncated.writerIndex - 3)
        #expect(throws: NativeFrameError.self) { try truncated.readFunctionURLRequest() }
    }

    @Test("an HTTP handler gets the typed request and answers a typed response; other handlers get JSON")
    func typedPath() async throws {
        let client = InMemoryRuntimeClient(invocationEvents: [.http(Self.request)])
        try await InvocationLoop(client: client, handler: CodableAdapter(Echo()), functionName: "t", logger: testLogger)
            .run()
        #expect(
            client.reports == [
                .httpResponse(
                    requestID: "request-1",
                    FunctionURLResponse(statusCode: 201, headers: ["x-path": "/"], cookies: ["a=1"], body: "héllo")
                )
            ]
        )

        // A byte-level handler sees the same event as JSON, as the Runtime API would have delivered it.
        let bytes = InMemoryRuntimeClient(invocationEvents: [.http(Self.request)])
        let echoBytes = ClosureStreamingHandler { event, writer, _ in try await writer.writeAndFinish(event) }
        try await InvocationLoop(client: bytes, handler: echoBytes, functionName: "t", logger: testLogger).run()
        guard case .response(_, let body) = bytes.reports.first else {
            Issue.record("expected a response, got \(bytes.reports)")
            return
        }
        #expect(body.contains(#""rawQueryString":"q=a%20b""#) && body.contains(#""body":"héllo""#))
    }
}

/// A byte-level handler made of a closure.
struct ClosureStreamingHandler: StreamingHandler {
    var body: @Sendable (ByteBuffer, any ResponseWriter, Context) async throws -> Void

    init(_ body: @escaping @Sendable (ByteBuffer, any ResponseWriter, Context) async throws -> Void) {
        self.body = body
    }

    func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws {
        try await self.body(event, responseWriter, context)
    }
}
