import Foundation
import NIOCore
import Runtime

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
        case .replied(.httpResponse(let response)):
            responseBytes = response.body?.utf8.count ?? 0
        case .streamed(let bytes):
            responseBytes = bytes
        case .replied(.stream(let stream)):
            responseBytes = stream.totalBytes
        case .streaming(let reply):
            responseBytes = reply.stream.totalBytes
        case .replied(.error(let error)):
            (status, errorType, errorMessage) = (.error, error.type, error.message)
            responseBytes = error.body.readableBytes
        case .timedOut:
            (status, errorType, errorMessage) = (.timeout, "Sandbox.Timedout", Execution.timeoutMessage(timeout))
        case .crashed(let exit):
            (status, errorType, errorMessage) = (.crash, "Runtime.ExitError", Execution.crashMessage(exit))
        case .outOfMemory(let used, let limit):
            (status, errorType, errorMessage) = (
                .error, "Runtime.OutOfMemory", Execution.outOfMemoryMessage(usedKB: used, limitMB: limit)
            )
        case .startFailed(let error):
            (status, errorType, errorMessage) = (.error, error.type, error.message)
        case .rejected(let error) where error.code == .functionFailing:
            (status, errorType, errorMessage) = (.error, error.errorType, error.message)
        case .rejected(let error):
            (status, errorType, errorMessage) = (.throttled, error.errorType, error.message)
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
        "Task timed out after \(seconds(timeout)) seconds"
    }

    /// A duration in seconds with two decimals, as Lambda writes them (`3.00`).
    static func seconds(_ duration: Duration) -> String {
        let hundredths = Int((duration.seconds * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// The message for an invocation whose worker went past its memory limit.
    static func outOfMemoryMessage(usedKB: Int, limitMB: Int) -> String {
        "the worker used \(usedKB / 1024) MB, more than its limit of \(limitMB) MB, and was killed"
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
