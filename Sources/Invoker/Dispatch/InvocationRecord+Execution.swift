import Foundation
import NIOCore

extension InvocationRecord {
    /// The record of an invocation that ended as `execution` says.
    init(
        id: String,
        function: String,
        trigger: Trigger,
        startedAt: Date,
        endedAt: Date,
        execution: Execution,
        timeout: Duration,
        requestBytes: Int,
        httpStatus: Int?
    ) {
        var status = Status.success
        var errorType: String?
        var errorMessage: String?
        var responseBytes = 0
        switch execution.outcome {
        case .replied(.response(let body)):
            responseBytes = body.readableBytes
        case .replied(.error(let error)):
            (status, errorType, errorMessage) = (.error, error.type, error.message)
            responseBytes = error.body.readableBytes
        case .timedOut:
            (status, errorType, errorMessage) = (.timeout, "Sandbox.Timedout", Execution.timeoutMessage(timeout))
        case .crashed(let exit):
            (status, errorType, errorMessage) = (.crash, "Runtime.ExitError", Execution.crashMessage(exit))
        case .startFailed(let error):
            (status, errorType, errorMessage) = (.error, error.type, error.message)
        case .rejected(let error):
            (status, errorType, errorMessage) = (.throttled, error.code.rawValue, error.message)
        }
        self.init(
            id: id,
            function: function,
            trigger: trigger,
            startedAt: startedAt,
            endedAt: endedAt,
            durationMs: execution.ran.milliseconds,
            initDurationMs: execution.initDuration?.milliseconds,
            waitMs: execution.waited.milliseconds,
            cold: execution.cold,
            status: status,
            httpStatus: httpStatus,
            errorType: errorType,
            errorMessage: errorMessage,
            requestBytes: requestBytes,
            responseBytes: responseBytes,
            workerPid: execution.workerPID,
            maxMemoryKB: execution.maxMemoryKB,
            queueMessageId: nil,
            attempt: nil,
            log: execution.log
        )
    }
}

extension Execution {
    /// Lambda's message for an invocation that ran past `timeout`.
    static func timeoutMessage(_ timeout: Duration) -> String {
        let seconds = timeout.seconds
        let hundredths = Int((seconds * 100).rounded())
        let fraction = hundredths % 100
        return "Task timed out after \(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) seconds"
    }

    /// The message for an invocation whose worker died under it.
    static func crashMessage(_ exit: WorkerExit) -> String {
        "the worker exited with \(exit) during the invocation"
    }
}

extension Duration {
    /// The duration in milliseconds, as a floating-point number.
    var milliseconds: Double { seconds * 1000 }
}
