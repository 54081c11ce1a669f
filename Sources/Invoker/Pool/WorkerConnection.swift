/// The channel through which the pool talks to one worker process: the Lambda Runtime API over HTTP, or (later)
/// a native socket. Both keep the same semantics: one invocation at a time, delivered when the worker asks for work.
protocol WorkerConnection: Sendable {
    /// The environment variables that tell the worker process how to reach this connection.
    var environment: [String: String] { get }

    /// Delivers `invocation` to the worker (at once if it is waiting for work, else when it next asks) and waits
    /// for its reply. Throws ``WorkerGone`` when the worker process ends first.
    func invoke(_ invocation: Invocation) async throws -> WorkerReply

    /// The worker process has exited: fails the invocation in flight and stops listening.
    func close(exit: WorkerExit)
}

/// Something a worker did that its pool needs to know about.
enum WorkerEvent: Sendable {
    /// The worker asked for its next invocation: it is idle (and, the first time, initialised).
    case ready
    /// The worker replied to its invocation; its output up to now belongs to that invocation.
    case replied
    /// The worker failed to initialise (`/runtime/init/error`); it is expected to exit.
    case initFailed(FunctionError)
}

/// The error an invocation gets when its worker process ended before replying.
struct WorkerGone: Error, Sendable {
    /// How the process ended.
    var exit: WorkerExit
}
