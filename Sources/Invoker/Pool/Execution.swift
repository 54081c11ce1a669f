/// What happened to one invocation in a worker pool: its outcome and the figures its record needs.
struct Execution: Sendable {
    /// How an invocation ended.
    enum Outcome: Sendable {
        /// The worker replied (with a response or a function error).
        case replied(WorkerReply)
        /// The worker is streaming its response: the caller relays it, then the reply says how the invocation ended.
        case streaming(StreamedReply)
        /// The worker streamed its whole response, this many bytes, to the caller.
        case streamed(bytes: Int)
        /// The invocation ran past its timeout; the worker was killed.
        case timedOut
        /// The worker process ended during the invocation.
        case crashed(WorkerExit)
        /// The worker went past the function's memory limit and was killed.
        case outOfMemory(usedKB: Int, limitMB: Int)
        /// No worker could be started: the error it failed with.
        case startFailed(FunctionError)
        /// The pool turned the invocation away.
        case rejected(InvokerError)
    }

    /// How the invocation ended.
    var outcome: Outcome
    /// How long it waited for a worker.
    var waited: Duration = .zero
    /// How long the worker ran it (zero when it never ran).
    var ran: Duration = .zero
    /// Whether it waited for a new worker to start.
    var cold = false
    /// How long that new worker took to initialise, for a cold invocation.
    var initDuration: Duration?
    /// The worker's process id.
    var workerPID: Int32?
    /// The worker's peak resident memory so far, in KiB.
    var maxMemoryKB: Int?
    /// The worker's output during the invocation.
    var log: String?
}
