import Foundation
import HTTPTypes
import NIOCore

/// How an invocation failed, or why it never ran: decided here once, for every caller that presents it (an HTTP
/// caller, an Invoke API caller, a queue batch, a callback, the record, the log tail).
///
/// Each kind of failure is one constructor below; a new way for an invocation to fail is one more constructor here,
/// and its presenters read only these fields.
///
/// ```swift
/// let failure = InvocationFailure.timedOut(after: .seconds(3), invocationID: id)
/// // failure.errorType == "Sandbox.Timedout", failure.status == .timeout, failure.httpStatus == .gatewayTimeout
/// ```
struct InvocationFailure: Sendable {
    /// The error's type, as records and HTTP callers see it (`Sandbox.Timedout`, `Runtime.ExitError`, …).
    var errorType: String
    /// What went wrong, in our words, for records, HTTP callers, queue errors and logs.
    var message: String
    /// How the invocation's record counts it.
    var status: InvocationRecord.Status
    /// The status a plain HTTP caller gets.
    var httpStatus: HTTPResponse.Status
    /// Seconds after which a caller may try again (`Retry-After`); nil when waiting would not help.
    var retryAfterSeconds: Int?
    /// Whether the function ran: a queue counts a delivery only then, and otherwise hands the messages back.
    var ran: Bool
    /// How Lambda's clients (the Invoke API, callbacks) get the failure.
    var answer: Answer
    /// The line Lambda's runtime writes into the function's log for a failure it reports itself (timeout, crash,
    /// memory); nil when the function reported the error.
    var logLine: String?
    /// How many bytes the worker answered with: its error document's, for an error it reported.
    var responseBytes = 0
}

extension InvocationFailure {
    /// How Lambda's clients get a failure.
    enum Answer: Sendable {
        /// As the invocation's payload, flagged as a function error: this error document, the worker's own
        /// (`stackTrace` and all) or Lambda's wording of the failure.
        case functionError(ByteBuffer)
        /// As a service error: the invocation never reached the function.
        case serviceError(InvokerError)
    }

    /// The function threw, or its answer broke a rule (too large, malformed): the worker's error document.
    static func functionError(_ error: WorkerError) -> Self {
        Self(
            errorType: error.type,
            message: error.message,
            status: .error,
            httpStatus: .badGateway,
            ran: true,
            answer: .functionError(error.body),
            responseBytes: error.body.readableBytes
        )
    }

    /// No worker could be started for the invocation: the error the last one failed with (no worker answered, so no
    /// bytes count as its response).
    static func startFailed(_ error: WorkerError) -> Self {
        var failure = functionError(error)
        failure.responseBytes = 0
        return failure
    }

    /// The invocation ran past `timeout`; its worker was killed.
    static func timedOut(after timeout: Duration, invocationID: String) -> Self {
        let message = "Task timed out after \(EpochTime.seconds(timeout)) seconds"
        return Self(
            errorType: "Sandbox.Timedout",
            message: message,
            status: .timeout,
            httpStatus: .gatewayTimeout,
            ran: true,
            answer: lambdaDocument("Sandbox.Timedout", "RequestId: \(invocationID) Error: \(message)"),
            logLine: "\(EpochTime.iso8601(Date())) \(invocationID) \(message)"
        )
    }

    /// The worker process ended, as `exit` says, during the invocation.
    static func crashed(_ exit: WorkerExit, invocationID: String) -> Self {
        let lambdaMessage = "RequestId: \(invocationID) Error: Runtime exited with error: \(exit)"
        return Self(
            errorType: "Runtime.ExitError",
            message: crashMessage(exit),
            status: .crash,
            httpStatus: .badGateway,
            ran: true,
            answer: lambdaDocument("Runtime.ExitError", lambdaMessage),
            logLine: "\(lambdaMessage)\nRuntime.ExitError"
        )
    }

    /// The worker went past the function's memory limit of `limitMB` (it used `usedKB`) and was killed.
    static func outOfMemory(usedKB: Int, limitMB: Int, invocationID: String) -> Self {
        let message = "the worker used \(usedKB / 1024) MB, more than its limit of \(limitMB) MB, and was killed"
        let lambdaMessage = "RequestId: \(invocationID) Error: \(message)"
        return Self(
            errorType: "Runtime.OutOfMemory",
            message: message,
            status: .error,
            httpStatus: .badGateway,
            ran: true,
            answer: lambdaDocument("Runtime.OutOfMemory", lambdaMessage),
            logLine: "RequestId: \(invocationID) Error: Runtime exited with error: signal: killed\nRuntime.OutOfMemory"
        )
    }

    /// The pool turned the invocation away: throttled, shutting down, or backing off a function that keeps failing.
    static func rejected(_ error: InvokerError) -> Self {
        var failure = Self(
            errorType: error.errorType,
            message: error.message,
            status: .throttled,
            httpStatus: error.status,
            retryAfterSeconds: error.retryAfterSeconds,
            ran: false,
            answer: .serviceError(error)
        )
        if error.code == .functionFailing {
            // Lambda has no back-off state: to its clients, a function that keeps failing fails with its own error.
            failure.status = .error
            failure.ran = true
            failure.answer = lambdaDocument(error.cause?.type ?? "Runtime.ExitError", error.message)
        }
        return failure
    }

    /// Our message for an invocation whose worker died under it; also the reason a pool gives for a worker that
    /// died.
    static func crashMessage(_ exit: WorkerExit) -> String {
        "the worker exited with \(exit) during the invocation"
    }

    /// The document a callback carries: the function error's, or `{errorType, errorMessage}` of a service error.
    var document: ByteBuffer {
        switch answer {
        case .functionError(let document): document
        case .serviceError: ByteBuffer(string: ErrorDocument(errorType: errorType, errorMessage: message).json)
        }
    }

    private static func lambdaDocument(_ type: String, _ message: String) -> Answer {
        .functionError(ByteBuffer(string: ErrorDocument(errorType: type, errorMessage: message).json))
    }
}
