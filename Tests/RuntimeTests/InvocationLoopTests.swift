import InMemoryLogging
import Logging
import NIOCore
import Synchronization
import Testing

@testable import Runtime

@Suite("Invocation loop")
struct InvocationLoopTests {
    struct Numbers: Decodable {
        var numbers: [Int]
    }

    struct Sum: Encodable {
        var sum: Int
    }

    struct Overdrawn: ReportableError {
        var errorType: String { "Bank.Overdrawn" }
        var errorMessage: String { "balance would drop below zero" }
    }

    struct Plain: Error, CustomStringConvertible {
        var description: String { "plain failure" }
    }

    private let sum = ClosureHandler { (event: Numbers, _: Context) in
        guard !event.numbers.isEmpty else { throw Plain() }
        return Sum(sum: event.numbers.reduce(0, +))
    }

    @Test func reportsEachResponseAndEndsWhenTheConnectionCloses() async throws {
        let reports = try await invoke(self.sum, with: [#"{"numbers":[1,2]}"#, #"{"numbers":[3]}"#])
        #expect(
            reports == [
                .response(requestID: "request-1", body: #"{"sum":3}"#),
                .response(requestID: "request-2", body: #"{"sum":3}"#),
            ]
        )
    }

    @Test func reportsAHandlerErrorAndCarriesOn() async throws {
        let reports = try await invoke(self.sum, with: [#"{"numbers":[]}"#, #"{"numbers":[4]}"#])
        #expect(
            reports == [
                .error(requestID: "request-1", FunctionError(type: "Plain", message: "plain failure")),
                .response(requestID: "request-2", body: #"{"sum":4}"#),
            ]
        )
    }

    @Test func reportsAReportableErrorWithItsOwnTypeAndMessage() async throws {
        let overdrawn = ClosureHandler { (_: Numbers, _: Context) -> Sum in throw Overdrawn() }
        let reports = try await invoke(overdrawn, with: [#"{"numbers":[]}"#])
        #expect(
            reports == [
                .error(
                    requestID: "request-1",
                    FunctionError(type: "Bank.Overdrawn", message: "balance would drop below zero")
                )
            ]
        )
    }

    @Test func reportsAnEventThatDoesNotDecode() async throws {
        let reports = try await invoke(self.sum, with: [#"{"numbers":"many"}"#, "not json", #"{"numbers":[1]}"#])
        #expect(reports.count == 3)
        guard case .error(_, let wrongType) = reports[0], case .error(_, let notJSON) = reports[1] else {
            Issue.record("expected two errors, got \(reports)")
            return
        }
        #expect(wrongType.errorType == "Runtime.InvalidEvent")
        #expect(wrongType.errorMessage.hasPrefix("The event is not a valid Numbers: field 'numbers' is not"))
        #expect(notJSON.errorType == "Runtime.InvalidEvent")
        #expect(notJSON.errorMessage.hasPrefix("The event is not a valid Numbers: "))
        #expect(reports[2] == .response(requestID: "request-3", body: #"{"sum":1}"#))
    }

    @Test func passesTheInvocationsMetadataInTheContext() async throws {
        let seen = Mutex<[Context]>([])
        let handler = ClosureHandler { (_: [String: Int], context: Context) in
            seen.withLock { $0.append(context) }
            context.logger.info("handled")
            return true
        }
        let logs = InMemoryLogHandler()
        let client = InMemoryRuntimeClient(events: ["{}"], deadline: 4_102_444_800_000)
        let loop = InvocationLoop(
            client: client,
            handler: CodableAdapter(handler),
            functionName: "adder",
            logger: Logger(label: "test", factory: { _ in logs })
        )
        try await loop.run()

        let context = try #require(seen.withLock { $0.first })
        #expect(context.requestID == "request-1")
        #expect(context.deadline == 4_102_444_800_000)
        #expect(context.invokedFunctionARN == "arn:aws:lambda:local:000000000000:function:test")
        #expect(context.traceID == "Root=1-test")
        #expect(context.functionName == "adder")
        #expect(logs.entries.map(\.metadata) == [["invocation.id": "request-1"]])
        #expect(client.reports == [.response(requestID: "request-1", body: "true")])
    }

    @Test func finishesAStreamTheHandlerLeftOpen() async throws {
        let reports = try await invoke(Writer(parts: ["a", "b"], finish: false), with: [""])
        #expect(
            reports == [
                .streamStart(requestID: "request-1", contentType: "application/octet-stream"),
                .chunk(requestID: "request-1", "a"), .chunk(requestID: "request-1", "b"),
                .streamEnd(requestID: "request-1", nil),
            ]
        )
    }

    @Test func rejectsWritesAfterFinishAndKeepsTheFinishedResponse() async throws {
        let reports = try await invoke(Writer(parts: ["a"], finish: true, writeAfterFinish: true), with: [""])
        #expect(
            reports == [
                .streamStart(requestID: "request-1", contentType: "application/octet-stream"),
                .chunk(requestID: "request-1", "a"), .streamEnd(requestID: "request-1", nil),
            ]
        )
    }
}

/// Writes `parts` one by one, optionally finishes, optionally writes once more (and so throws).
private struct Writer: StreamingHandler {
    var parts: [String]
    var finish: Bool
    var writeAfterFinish = false

    func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws {
        for part in self.parts {
            try await responseWriter.write(ByteBuffer(string: part))
        }
        if self.finish {
            try await responseWriter.finish()
        }
        if self.writeAfterFinish {
            try await responseWriter.write(ByteBuffer(string: "too late"))
        }
    }
}
