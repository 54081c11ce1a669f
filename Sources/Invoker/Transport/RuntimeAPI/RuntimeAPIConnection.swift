import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A worker's own Lambda Runtime API (2018-06-01) endpoint, listening on `127.0.0.1` at an ephemeral port.
///
/// The worker long-polls `GET …/invocation/next` (as many at once as its function's `concurrency`, each on a
/// connection of its own); ``invoke(_:timeout:)`` answers a poll with an invocation and waits for the worker's
/// `POST …/response` or `POST …/error`. Any Lambda runtime client works against it. When workers run under their own
/// user ids, only the worker's user may connect (see ``AllowedPeers``).
final class RuntimeAPIConnection: HandingOffConnection {
    /// A parked `GET …/next` is what an invocation is delivered through.
    typealias Ask = NextRequest

    /// Lambda-style request-handling state, guarded by one lock.
    private struct State {
        var port = 0
        var serverChannel: (any Channel)?
        var handoff: InvocationHandoff<NextRequest>
    }

    private let state: Mutex<State>
    private let eventLoop: any EventLoop
    private let onEvent: @Sendable (WorkerEvent) -> Void
    /// Who may connect now.
    let allowedPeers: Mutex<AllowedPeers>

    private init(
        eventLoop: any EventLoop,
        peers: AllowedPeers,
        capacity: Int,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void
    ) {
        self.state = Mutex(State(handoff: InvocationHandoff(capacity: capacity)))
        self.eventLoop = eventLoop
        self.allowedPeers = Mutex(peers)
        self.onEvent = onEvent
    }

    /// Starts listening on `eventLoop` for connections from `peers` (a worker's listener starts `.undecided` and
    /// learns its user from ``admit(only:)``), for a worker that runs `capacity` invocations at once; `onEvent` is
    /// called on that loop whenever the worker does something the pool must know about.
    static func listen(
        on eventLoop: any EventLoop,
        peers: AllowedPeers = .anyone,
        capacity: Int = 1,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void
    ) async throws -> RuntimeAPIConnection {
        let connection = RuntimeAPIConnection(eventLoop: eventLoop, peers: peers, capacity: capacity, onEvent: onEvent)
        let channel = try await ServerBootstrap(group: eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                // Nothing is read from a connection before its peer is admitted: the channel is registered (and
                // starts reading) only once this future succeeds; on failure the bootstrap closes it.
                connection.admit(channel).flatMapThrowing {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(RuntimeAPIHandler(connection: connection))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        connection.state.withLock {
            $0.serverChannel = channel
            $0.port = channel.localAddress?.port ?? 0
        }
        return connection
    }

    var environment: [String: String] {
        [WorkerVariable.runtimeAPI.rawValue: "127.0.0.1:\(state.withLock { $0.port })"]
    }

    var workerDescriptor: CInt? { nil }

    func invoke(_ invocation: Invocation, timeout: TimeAmount) async throws -> WorkerReply {
        try await awaitReply(to: invocation) { reply in
            switch state.withLock({ $0.handoff.hand(invocation, timeout: timeout, reply: reply) }) {
            case .deliver(let next):
                eventLoop.execute {
                    next.deliver(invocation)
                    self.startTimer(invocation.id, timeout: timeout, on: self.eventLoop)
                }
            case .gone(let exit):
                reply.resume(throwing: WorkerGone(exit: exit, delivered: false))
            case .queued:
                break
            }
        }
    }

    func withHandoff<Result>(_ body: (inout InvocationHandoff<NextRequest>) -> Result) -> Result {
        state.withLock { body(&$0.handoff) }
    }

    func close(exit: WorkerExit) {
        let (channel, unanswered) = state.withLock { ($0.serverChannel, $0.handoff.close(exit: exit)) }
        channel?.close(promise: nil)
        fail(unanswered, exit: exit)
    }

    // MARK: Called by the handler, on the worker's event loop

    /// The worker asks for work: returns the invocation to send now, or parks the request until there is one.
    func next(_ request: NextRequest) -> Invocation? {
        let asked = state.withLock { $0.handoff.workerAsks(request) }
        settle(asked, onEvent: onEvent)
        guard let (invocation, timeout) = asked.delivered else { return nil }
        startTimer(invocation.id, timeout: timeout, on: eventLoop)
        return invocation
    }

    /// A parked request's connection closed before it got an invocation.
    func abandon(_ request: NextRequest) {
        state.withLock { $0.handoff.withdrawAsks { $0.id == request.id } }
    }

    /// The worker answered invocation `id`; false when `id` is not the invocation in flight.
    func complete(id: String, with reply: WorkerReply) -> Bool {
        guard let caller = state.withLock({ $0.handoff.finish(id) }) else { return false }
        onEvent(.replied)
        caller.resume(returning: reply)
        return true
    }

    /// The worker starts streaming its response to invocation `id`: the invocation gets the stream as its reply.
    /// Returns nil when `id` is not the invocation in flight. `resumeReading` restarts reading the worker's
    /// connection after the stream paused it.
    func beginStream(
        id: String,
        contentType: String?,
        resumeReading: @escaping @Sendable () -> Void
    ) -> ResponseStream? {
        let stream = ResponseStream(contentType: contentType, resumeReading: resumeReading)
        guard let caller = state.withLock({ $0.handoff.beginStream(id, as: stream) }) else { return nil }
        caller.resume(returning: .stream(stream))
        return stream
    }

    /// The worker finished streaming its response to invocation `id`: its output up to now belongs to the
    /// invocation, then the stream ends.
    func endStream(id: String, _ stream: ResponseStream, _ ending: ResponseStream.Ending) {
        let current = state.withLock { state -> Bool in
            guard state.handoff.stream(id) === stream else { return false }
            return state.handoff.endStream(id) != nil
        }
        if current { onEvent(.replied) }
        stream.end(ending)
    }

    /// The worker reported that it could not initialise.
    func initFailed(_ error: WorkerError) {
        onEvent(.initFailed(error))
    }
}
