import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import Synchronization
import Testing

@testable import Invoker

/// One failure, rendered by every presenter: an HTTP caller, an Invoke API caller, a queue batch, a callback and a
/// record all tell the same story from the one description in ``InvocationFailure``.
@Suite("Invocation failures, presented")
struct InvocationFailureTests {
    /// A failure and what each presenter must make of it.
    struct Case: Sendable, CustomTestStringConvertible {
        var failure: InvocationFailure
        var errorType: String
        var status: InvocationRecord.Status
        var httpStatus: HTTPResponse.Status
        var retryAfter: String?
        /// The Invoke API's `x-amzn-ErrorType` for a service error; nil for a function error (200, `Unhandled`).
        var serviceError: String?
        /// The start of the error message the Invoke API and callbacks carry.
        var lambdaMessagePrefix: String
        /// Whether a queue counts the delivery.
        var ran: Bool
        var testDescription: String { errorType }
    }

    static let workerError = WorkerError(type: "FixtureError", message: "no")
    static let cases: [Case] = [
        Case(
            failure: .functionError(workerError),
            errorType: "FixtureError",
            status: .error,
            httpStatus: .badGateway,
            lambdaMessagePrefix: "no",
            ran: true
        ),
        Case(
            failure: .timedOut(after: .seconds(3), invocationID: "inv"),
            errorType: "Sandbox.Timedout",
            status: .timeout,
            httpStatus: .gatewayTimeout,
            lambdaMessagePrefix: "RequestId: inv Error: Task timed out after 3.00 seconds",
            ran: true
        ),
        Case(
            failure: .crashed(.signaled(9), invocationID: "inv"),
            errorType: "Runtime.ExitError",
            status: .crash,
            httpStatus: .badGateway,
            lambdaMessagePrefix: "RequestId: inv Error: Runtime exited with error: signal 9 (SIGKILL)",
            ran: true
        ),
        Case(
            failure: .outOfMemory(usedKB: 300 * 1024, limitMB: 128, invocationID: "inv"),
            errorType: "Runtime.OutOfMemory",
            status: .error,
            httpStatus: .badGateway,
            lambdaMessagePrefix: "RequestId: inv Error: the worker used 300 MB",
            ran: true
        ),
        Case(
            failure: .startFailed(WorkerError(type: "Runtime.HandlerNotFound", message: "none")),
            errorType: "Runtime.HandlerNotFound",
            status: .error,
            httpStatus: .badGateway,
            lambdaMessagePrefix: "none",
            ran: true
        ),
        Case(
            failure: .rejected(InvokerError(.throttled, "busy")),
            errorType: "TooManyRequests",
            status: .throttled,
            httpStatus: .tooManyRequests,
            retryAfter: "1",
            serviceError: "TooManyRequestsException",
            lambdaMessagePrefix: "busy",
            ran: false
        ),
        Case(
            failure: .rejected(InvokerError(.functionFailing, "keeps failing", cause: workerError)),
            errorType: "FunctionFailing",
            status: .error,
            httpStatus: .serviceUnavailable,
            retryAfter: "1",
            lambdaMessagePrefix: "keeps failing",
            ran: true
        ),
    ]

    @Test("an HTTP caller gets a JSON error with the failure's status", arguments: cases)
    func http(_ item: Case) async throws {
        let response = Response(failure: item.failure)
        #expect(response.status == item.httpStatus)
        #expect(response.headers[.retryAfter] == item.retryAfter)
        let document = try JSONDecoder().decode(ErrorDocument.self, from: try await response.collectedBody())
        #expect(document.errorType == item.errorType)
    }

    @Test("an Invoke API caller gets 200 Unhandled with Lambda's document, or a service error", arguments: cases)
    func invokeAPI(_ item: Case) async throws {
        let response = InvokeAPIRoutes.response(Execution(outcome: .failed(item.failure)), requestID: "inv")
        if let serviceError = item.serviceError {
            #expect(response.headers[.amznErrorType] == serviceError)
            #expect(response.status == item.httpStatus)
        } else {
            #expect(response.status == .ok && response.headers[.amzFunctionError] == "Unhandled")
            let document = try JSONDecoder().decode(ErrorDocument.self, from: try await response.collectedBody())
            #expect(document.errorMessage.hasPrefix(item.lambdaMessagePrefix), "\(document.errorMessage)")
        }
        #expect(response.headers[.amznRequestID] == "inv")
    }

    @Test("a queue batch fails with the error, or goes back when the function never ran", arguments: cases)
    func queueBatch(_ item: Case) {
        let outcome = BatchOutcome(.failed(item.failure), messageIDs: ["m"], invocationID: "inv")
        if item.ran {
            #expect(outcome == .failed("\(item.errorType): \(item.failure.message) (invocation inv)"))
        } else {
            #expect(outcome == .notRun(item.failure.message))
        }
    }

    @Test("a callback carries the record's status and the error document", arguments: cases)
    func callback(_ item: Case) throws {
        let callback = Callback(
            url: "http://127.0.0.1:1/",
            function: "f",
            invocationID: "inv",
            messageID: "m",
            attempt: 1,
            execution: Execution(outcome: .failed(item.failure))
        )
        #expect(callback.status == item.status)
        #expect(callback.headers["X-Function-Status"] == item.status.rawValue)
        let document = try JSONDecoder().decode(ErrorDocument.self, from: Data(callback.body))
        #expect(document.errorMessage.hasPrefix(item.lambdaMessagePrefix) || document.errorType == item.errorType)
    }

    @Test("the record says the status, the error type and our message", arguments: cases)
    func record(_ item: Case) {
        let record = InvocationRecord(
            id: "inv",
            request: InvocationRequest(function: "f", event: .payload(ByteBuffer(string: "{}")), trigger: .invoke),
            startedAt: Date(),
            endedAt: Date(),
            execution: Execution(outcome: .failed(item.failure)),
            httpStatus: item.httpStatus.code
        )
        #expect(record.status == item.status)
        #expect(record.errorType == item.errorType)
        #expect(record.errorMessage == item.failure.message)
        #expect(record.requestBytes == 2)
    }

    @Test("the log tail adds Lambda's line for failures the runtime reports itself")
    func logTail() {
        let timeout = LogTail(
            requestID: "inv",
            execution: Execution(outcome: .failed(.timedOut(after: .seconds(1), invocationID: "inv"))),
            memoryMB: 128
        )
        #expect(timeout.text.contains(" inv Task timed out after 1.00 seconds\nEND RequestId: inv"))
        #expect(timeout.text.hasSuffix("Status: timeout\t\n"))
        let crash = LogTail(
            requestID: "inv",
            execution: Execution(outcome: .failed(.crashed(.exited(3), invocationID: "inv"))),
            memoryMB: 128
        )
        #expect(
            crash.text.contains("RequestId: inv Error: Runtime exited with error: exit status 3\nRuntime.ExitError\n")
        )
        let thrown = LogTail(
            requestID: "inv",
            execution: Execution(outcome: .failed(.functionError(Self.workerError))),
            memoryMB: 128
        )
        #expect(!thrown.text.contains("Status:"))
    }
}

extension Response {
    /// The body's bytes, collected through a writer as the server would send them.
    fileprivate func collectedBody() async throws -> ByteBuffer {
        let collected = Collected()
        try await body.write(BodyCollector(collected: collected))
        return collected.buffer.withLock { $0 }
    }
}

/// The buffer a ``BodyCollector`` fills.
private final class Collected: Sendable {
    let buffer = Mutex(ByteBuffer())
}

/// A response body writer that keeps what is written.
private struct BodyCollector: ResponseBodyWriter {
    let collected: Collected

    mutating func write(_ buffer: ByteBuffer) async throws {
        collected.buffer.withLock { _ = $0.writeImmutableBuffer(buffer) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
