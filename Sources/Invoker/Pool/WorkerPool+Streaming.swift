extension WorkerPool {
    /// The execution of an invocation whose worker started streaming its response at `startedAt`: handed to the
    /// caller at once, to be relayed; the worker is killed if the stream is not finished by `deadline`.
    func streaming(
        _ stream: ResponseStream,
        invocationID: String,
        execution: Execution,
        on worker: Worker,
        startedAt: ContinuousClock.Instant,
        deadline: ContinuousClock.Instant
    ) -> Execution {
        worker.streamDeadline = deadline
        var execution = execution
        execution.outcome = .streaming(
            StreamedReply(
                stream: stream,
                invocationID: invocationID,
                execution: execution, startedAt: startedAt, worker: worker, pool: self)
        )
        return execution
    }

    /// The worker's streamed response ended after `ran`; `answered` is false when the worker died first.
    func streamEnded(on worker: Worker, ran: Duration, answered: Bool) {
        worker.streamDeadline = nil
        if answered { invocationAnswered(runTime: ran) }
    }

    /// Kills the workers whose streamed response has run past its function's timeout. (A buffered response is
    /// timed by the invocation itself; a streamed one outlives the invocation call, so the pool's tick times it.)
    func enforceStreamDeadlines(on workers: [Worker]) {
        let now = ContinuousClock.now
        for worker in workers {
            guard let deadline = worker.streamDeadline, deadline <= now else { continue }
            worker.kill(.timeout)
        }
    }
}
