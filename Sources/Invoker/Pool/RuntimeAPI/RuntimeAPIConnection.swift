import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A worker's own Lambda Runtime API (2018-06-01) endpoint, listening on `127.0.0.1` at an ephemeral port.
///
/// The worker long-polls `GET …/invocation/next`; ``invoke(_:)`` answers that poll with an invocation and waits for
/// the worker's `POST …/response` or `POST …/error`. Any Lambda runtime client works against it.
final class RuntimeAPIConnection: WorkerConnection {
    /// Lambda-style request-handling state, guarded by one lock.
    private struct State {
        var port = 0
        var serverChannel: (any Channel)?
        var parked: NextRequest?
        var queued: (invocation: Invocation, continuation: CheckedContinuation<WorkerReply, any Error>)?
        var inFlight: (id: String, continuation: CheckedContinuation<WorkerReply, any Error>)?
        var streaming: ResponseStream?
        var exit: WorkerExit?
    }

    private let state = Mutex(State())
    private let onEvent: @Sendable (WorkerEvent) -> Void

    private init(onEvent: @escaping @Sendable (WorkerEvent) -> Void) {
        self.onEvent = onEvent
    }

    /// Starts listening on `eventLoop`; `onEvent` is called on that loop whenever the worker does something the
    /// pool must know about.
    static func listen(
        on eventLoop: any EventLoop,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void
    ) async throws -> RuntimeAPIConnection {
        let connection = RuntimeAPIConnection(onEvent: onEvent)
        let channel = try await ServerBootstrap(group: eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
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
        ["AWS_LAMBDA_RUNTIME_API": "127.0.0.1:\(state.withLock { $0.port })"]
    }

    func invoke(_ invocation: Invocation) async throws -> WorkerReply {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                enum Action {
                    case deliver(NextRequest)
                    case fail(WorkerExit)
                    case wait
                }
                let action = state.withLock { state -> Action in
                    if let exit = state.exit { return .fail(exit) }
                    if let parked = state.parked {
                        state.parked = nil
                        state.inFlight = (invocation.id, continuation)
                        return .deliver(parked)
                    }
                    state.queued = (invocation, continuation)
                    return .wait
                }
                switch action {
                case .deliver(let next): next.deliver(invocation)
                case .fail(let exit): continuation.resume(throwing: WorkerGone(exit: exit))
                case .wait: break
                }
            }
        } onCancel: {
            let continuation = state.withLock { state in
                if state.queued?.invocation.id == invocation.id {
                    defer { state.queued = nil }
                    return state.queued?.continuation
                }
                if state.inFlight?.id == invocation.id {
                    defer { state.inFlight = nil }
                    return state.inFlight?.continuation
                }
                return nil
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    func close(exit: WorkerExit) {
        let (channel, pending, stream) = state.withLock { state in
            state.exit = exit
            state.parked = nil
            let pending = [state.queued?.continuation, state.inFlight?.continuation].compactMap { $0 }
            state.queued = nil
            state.inFlight = nil
            defer { state.streaming = nil }
            return (state.serverChannel, pending, state.streaming)
        }
        channel?.close(promise: nil)
        for continuation in pending {
            continuation.resume(throwing: WorkerGone(exit: exit))
        }
        stream?.end(.workerGone(exit))
    }

    // MARK: Called by the handler, on the worker's event loop

    /// The worker asks for work: returns the invocation to send now, or parks the request until there is one.
    func next(_ request: NextRequest) -> Invocation? {
        enum Action {
            case deliver(Invocation)
            case parked(abandoned: CheckedContinuation<WorkerReply, any Error>?)
        }
        let (action, unfinished) = state.withLock { state -> (Action, ResponseStream?) in
            defer { state.streaming = nil }
            if let (invocation, continuation) = state.queued {
                state.queued = nil
                state.inFlight = (invocation.id, continuation)
                return (.deliver(invocation), state.streaming)
            }
            state.parked = request
            defer { state.inFlight = nil }
            return (.parked(abandoned: state.inFlight?.continuation), state.streaming)
        }
        if let unfinished {
            onEvent(.replied)
            unfinished.end(
                .error(
                    FunctionError(
                        type: "Runtime.TruncatedResponse",
                        message: "the worker asked for its next invocation before finishing its streamed response"
                    )
                )
            )
        }
        switch action {
        case .deliver(let invocation):
            return invocation
        case .parked(let abandoned):
            if let abandoned {
                onEvent(.replied)
                let error = FunctionError(
                    type: "Runtime.NoResponse",
                    message: "the worker asked for its next invocation without answering this one"
                )
                abandoned.resume(returning: .error(error))
            }
            onEvent(.ready)
            return nil
        }
    }

    /// A parked request's connection closed before it got an invocation.
    func abandon(_ request: NextRequest) {
        state.withLock { state in
            if state.parked?.id == request.id { state.parked = nil }
        }
    }

    /// The worker answered invocation `id`; false when `id` is not the invocation in flight.
    func complete(id: String, with reply: WorkerReply) -> Bool {
        let continuation = state.withLock { state -> CheckedContinuation<WorkerReply, any Error>? in
            guard let inFlight = state.inFlight, inFlight.id == id else { return nil }
            state.inFlight = nil
            return inFlight.continuation
        }
        guard let continuation else { return false }
        onEvent(.replied)
        continuation.resume(returning: reply)
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
        let continuation = state.withLock { state -> CheckedContinuation<WorkerReply, any Error>? in
            guard let inFlight = state.inFlight, inFlight.id == id else { return nil }
            state.inFlight = nil
            state.streaming = stream
            return inFlight.continuation
        }
        guard let continuation else { return nil }
        continuation.resume(returning: .stream(stream))
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
    func initFailed(_ error: FunctionError) {
        onEvent(.initFailed(error))
    }
}
