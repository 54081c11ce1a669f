import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A worker's own Lambda Runtime API (2018-06-01) endpoint, listening on `127.0.0.1` at an ephemeral port.
///
/// The worker long-polls `GET …/invocation/next`; ``invoke(_:)`` answers that poll with an invocation and waits for
/// the worker's `POST …/response` or `POST …/error`. Any Lambda runtime client works against it. When workers run
/// under their own user ids, only the worker's user may connect (see ``AllowedPeers``).
final class RuntimeAPIConnection: HandingOffConnection {
    /// Lambda-style request-handling state, guarded by one lock.
    private struct State {
        var port = 0
        var serverChannel: (any Channel)?
        var parked: NextRequest?
        var handoff = InvocationHandoff()
        var streaming: ResponseStream?
    }

    private let state = Mutex(State())
    private let eventLoop: any EventLoop
    private let onEvent: @Sendable (WorkerEvent) -> Void
    /// Who may connect now.
    let allowedPeers: Mutex<AllowedPeers>

    private init(
        eventLoop: any EventLoop,
        peers: AllowedPeers,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void
    ) {
        self.eventLoop = eventLoop
        self.allowedPeers = Mutex(peers)
        self.onEvent = onEvent
    }

    /// Starts listening on `eventLoop` for connections from `peers` (a worker's listener starts `.undecided` and
    /// learns its user from ``admit(only:)``); `onEvent` is called on that loop whenever the worker does something
    /// the pool must know about.
    static func listen(
        on eventLoop: any EventLoop,
        peers: AllowedPeers = .anyone,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void
    ) async throws -> RuntimeAPIConnection {
        let connection = RuntimeAPIConnection(eventLoop: eventLoop, peers: peers, onEvent: onEvent)
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
            let (handed, parked) = state.withLock { state in
                let parked = state.parked
                state.parked = nil
                let handed = state.handoff.hand(
                    invocation,
                    timeout: timeout,
                    reply: reply,
                    workerWaiting: parked != nil
                )
                return (handed, parked)
            }
            switch handed {
            case .deliver:
                let next = parked!
                eventLoop.execute {
                    next.deliver(invocation)
                    self.startTimer(invocation.id, timeout: timeout, on: self.eventLoop)
                }
            case .gone(let exit):
                reply.resume(throwing: WorkerGone(exit: exit))
            case .queued:
                break
            }
        }
    }

    func withHandoff<Result>(_ body: (inout InvocationHandoff) -> Result) -> Result {
        state.withLock { body(&$0.handoff) }
    }

    func close(exit: WorkerExit) {
        let (channel, waiting, stream) = state.withLock { state in
            state.parked = nil
            defer { state.streaming = nil }
            return (state.serverChannel, state.handoff.close(exit: exit), state.streaming)
        }
        channel?.close(promise: nil)
        for reply in waiting {
            reply.resume(throwing: WorkerGone(exit: exit))
        }
        stream?.end(.workerGone(exit))
    }

    // MARK: Called by the handler, on the worker's event loop

    /// The worker asks for work: returns the invocation to send now, or parks the request until there is one.
    func next(_ request: NextRequest) -> Invocation? {
        let (queued, abandoned, unfinished) = state.withLock { state in
            defer { state.streaming = nil }
            let abandoned = state.handoff.abandonInFlight()
            let queued = state.handoff.workerAsks()
            if queued == nil { state.parked = request }
            return (queued, abandoned, state.streaming)
        }
        if let unfinished {
            onEvent(.replied)
            unfinished.end(
                .error(
                    WorkerError(
                        type: "Runtime.TruncatedResponse",
                        message: "the worker asked for its next invocation before finishing its streamed response"
                    )
                )
            )
        }
        if let abandoned {
            onEvent(.replied)
            abandoned.resume(returning: .error(.noResponse))
        }
        if let (invocation, timeout) = queued {
            startTimer(invocation.id, timeout: timeout, on: eventLoop)
            return invocation
        }
        onEvent(.ready)
        return nil
    }

    /// A parked request's connection closed before it got an invocation.
    func abandon(_ request: NextRequest) {
        state.withLock { state in
            if state.parked?.id == request.id { state.parked = nil }
        }
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
        let caller = state.withLock { state in
            let caller = state.handoff.finish(id)
            if caller != nil { state.streaming = stream }
            return caller
        }
        guard let caller else { return nil }
        caller.resume(returning: .stream(stream))
        return stream
    }

    /// The worker finished streaming: its output up to now belongs to the invocation, then the stream ends.
    func endStream(_ stream: ResponseStream, _ ending: ResponseStream.Ending) {
        let current = state.withLock { state -> Bool in
            guard state.streaming === stream else { return false }
            state.streaming = nil
            return true
        }
        if current { onEvent(.replied) }
        stream.end(ending)
    }

    /// The worker reported that it could not initialise.
    func initFailed(_ error: WorkerError) {
        onEvent(.initFailed(error))
    }
}
