import Foundation

extension InvocationRecord {
    /// The record of the invocation `request` that ended as `execution` says, its caller having got `httpStatus`.
    init(
        id: String,
        request: InvocationRequest,
        startedAt: Date,
        endedAt: Date,
        execution: Execution,
        httpStatus: Int?
    ) {
        let failure = execution.outcome.failure
        self.init(
            id: id,
            function: request.function,
            trigger: request.trigger,
            startedAt: startedAt,
            endedAt: endedAt,
            durationMs: execution.ran.milliseconds,
            initDurationMs: execution.initDuration?.milliseconds,
            waitMs: execution.waited.milliseconds,
            cold: execution.cold,
            status: failure?.status ?? .success,
            httpStatus: httpStatus,
            errorType: failure?.errorType,
            errorMessage: failure?.message,
            requestBytes: request.event.bytes,
            responseBytes: execution.outcome.responseBytes,
            workerPid: execution.workerPID,
            maxMemoryKB: execution.maxMemoryKB,
            queueMessageId: request.delivery?.messageID,
            attempt: request.delivery?.attempt,
            log: execution.log,
            caller: request.caller,
            generation: execution.generation,
            scheduledAt: request.scheduledAt
        )
    }
}
