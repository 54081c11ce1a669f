import NIOCore

/// The channel through which the pool talks to one worker process: the native transport (binary frames on a Unix
/// domain socket) or the Lambda Runtime API over HTTP. Both keep the same semantics: as many invocations at once as
/// the function's `concurrency`, each delivered when the worker asks for work and timed from its delivery.
protocol WorkerConnection: Sendable {
    /// The environment variables that tell the worker process how to reach this connection.
    var environment: [String: String] { get }

    /// The descriptor the worker process gets as its standard input, if the connection needs one; the worker's
    /// launcher closes it once the process is spawned.
    var workerDescriptor: CInt? { get }

    /// Delivers `invocation` to the worker (at once if it is waiting for work, else when it next asks) and waits
    /// for its reply. Throws ``WorkerTimedOut`` when `timeout` passes after delivery, ``WorkerGone`` when the
    /// worker process ends first.
    func invoke(_ invocation: Invocation, timeout: TimeAmount) async throws -> WorkerReply

    /// The worker process has exited: fails the invocation in flight and stops listening.
    func close(exit: WorkerExit)

    /// Called before the worker process starts, with the user it will run as: a connection that other processes
    /// could reach lets only that user's processes in from then on.
    func admit(only identity: WorkerIdentity)
}

extension WorkerConnection {
    /// Nothing to restrict: the connection is a socket only the worker process holds.
    func admit(only identity: WorkerIdentity) {}
}

/// Something a worker did that its pool needs to know about.
enum WorkerEvent: Sendable {
    /// A slot of the worker asked for work (the first time: the worker is initialised).
    case ready
    /// The worker replied to its invocation; its output up to now belongs to that invocation.
    case replied
    /// The worker failed to initialise (`/runtime/init/error`); it is expected to exit.
    case initFailed(WorkerError)
    /// The worker broke its transport's protocol; it must be stopped.
    case unusable
}

/// The error an invocation gets when its worker process ended before replying.
struct WorkerGone: Error, Sendable {
    /// How the process ended.
    var exit: WorkerExit
    /// Whether the worker had the invocation; one it never received may run on another worker.
    var delivered = true
}
