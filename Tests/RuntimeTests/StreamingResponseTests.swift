import Foundation
import NIOCore
import Testing

@testable import Runtime

/// What the invocation loop sends for a handler that streams its response.
@Suite("Streamed responses")
struct StreamingResponseTests {
    private let start = InMemoryRuntimeClient.Report.streamStart(
        requestID: "request-1",
        contentType: "application/octet-stream"
    )

    @Test("writeAndFinish with nothing written before is one buffered response")
    func fastPath() async throws {
        let reports = try await run(Streamer { writer in try await writer.writeAndFinish(ByteBuffer(string: "all")) })
        #expect(reports == [.response(requestID: "request-1", body: "all")])
    }

    @Test("each write is sent as it is written; writeAndFinish after writes sends its chunk and ends the stream")
    func chunks() async throws {
        let reports = try await run(
            Streamer { writer in
                try await writer.write(ByteBuffer(string: "1"))
                try await writer.write(ByteBuffer(string: "2"))
                try await writer.writeAndFinish(ByteBuffer(string: "3"))
            }
        )
        #expect(
            reports == [
                start, .chunk(requestID: "request-1", "1"), .chunk(requestID: "request-1", "2"),
                .chunk(requestID: "request-1", "3"), .streamEnd(requestID: "request-1", nil),
            ]
        )
    }

    @Test("an error after the stream started ends it with the error; before, it is the invocation's error")
    func errors() async throws {
        let reports = try await run(
            Streamer { writer in
                try await writer.write(ByteBuffer(string: "partial"))
                throw FunctionError(type: "Broke", message: "halfway")
            }
        )
        #expect(
            reports == [
                start, .chunk(requestID: "request-1", "partial"),
                .streamEnd(requestID: "request-1", FunctionError(type: "Broke", message: "halfway")),
            ]
        )
        let early = try await run(Streamer { _ in throw FunctionError(type: "Early", message: "no bytes") })
        #expect(early == [.error(requestID: "request-1", FunctionError(type: "Early", message: "no bytes"))])
    }

    @Test("writing after finishing throws Runtime.ResponseAlreadyFinished, and nothing more is sent")
    func writeAfterFinish() async throws {
        let reports = try await run(
            Streamer { writer in
                try await writer.write(ByteBuffer(string: "a"))
                try await writer.finish()
                let error = await #expect(throws: FunctionError.self) {
                    try await writer.write(ByteBuffer(string: "late"))
                }
                #expect(error?.errorType == "Runtime.ResponseAlreadyFinished")
                await #expect(throws: FunctionError.self) { try await writer.finish() }
            }
        )
        #expect(reports == [start, .chunk(requestID: "request-1", "a"), .streamEnd(requestID: "request-1", nil)])
    }

    @Test("status and headers go first, as a JSON prelude and eight NUL bytes of the HTTP integration type")
    func prelude() async throws {
        let reports = try await run(
            Streamer { writer in
                try await writer.writeStatusAndHeaders(
                    StreamingStatusAndHeaders(statusCode: 201, headers: ["x-a": "b"], cookies: ["c=d"])
                )
                try await writer.write(ByteBuffer(string: "body"))
                let error = await #expect(throws: FunctionError.self) {
                    try await writer.writeStatusAndHeaders(StreamingStatusAndHeaders())
                }
                #expect(error?.errorType == "Runtime.ResponseAlreadyStarted")
            }
        )
        #expect(reports.count == 4)
        #expect(
            reports.first
                == .streamStart(
                    requestID: "request-1",
                    contentType: "application/vnd.awslambda.http-integration-response"
                )
        )
        guard case .chunk(_, let prelude) = reports[1] else {
            Issue.record("expected the prelude, got \(reports)")
            return
        }
        let json = try #require(prelude.split(separator: "\0", omittingEmptySubsequences: false).first)
        #expect(prelude.hasSuffix(String(repeating: "\0", count: 8)))
        #expect(
            try JSONDecoder().decode(StreamingStatusAndHeaders.self, from: Data(json.utf8))
                == StreamingStatusAndHeaders(statusCode: 201, headers: ["x-a": "b"], cookies: ["c=d"])
        )
        #expect(reports[2] == .chunk(requestID: "request-1", "body"))
        #expect(reports[3] == .streamEnd(requestID: "request-1", nil))
    }

    /// The loop's reports for one invocation of `streamer`.
    private func run(_ streamer: Streamer) async throws -> [InMemoryRuntimeClient.Report] {
        try await invoke(streamer, with: [""])
    }
}

/// Runs `body` with the response writer.
private struct Streamer: StreamingHandler {
    var body: @Sendable (any ResponseWriter) async throws -> Void

    init(_ body: @escaping @Sendable (any ResponseWriter) async throws -> Void) {
        self.body = body
    }

    func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws {
        try await self.body(responseWriter)
    }
}
