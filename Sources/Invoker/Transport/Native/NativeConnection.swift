import NIOCore
import NIOPosix
import Runtime
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Swift worker's native transport: ``NativeFrame``s on one end of a Unix domain socket pair whose other end is
/// the worker's standard input. A warm invocation is one frame each way, with the event and the response as raw
/// bytes: no HTTP, no listening socket, no connect.
final class NativeConnection: HandingOffConnection {
    private struct State {
        var handoff = InvocationHandoff()
        var workerWaiting = false
        /// The responses being streamed, by invocation id.
        var streams: [String: ResponseStream] = [:]
    }

    /// How long a worker whose connection failed has to exit before it is taken to be alive without it.
    static let exitGracePeriod: TimeAmount = .seconds(2)

    private let state = Mutex(State())
    private let channel: any Channel
    private let onEvent: @Sendable (WorkerEvent) -> Void
    let workerDescriptor: CInt?

    private init(channel: any Channel, workerDescriptor: CInt, onEvent: @escaping @Sendable (WorkerEvent) -> Void) {
        self.channel = channel
        self.workerDescriptor = workerDescriptor
        self.onEvent = onEvent
    }

    /// Creates the socket pair and serves the invoker's end on `eventLoop`; `onEvent` is called on that loop
    /// whenever the worker does something the pool must know about.
    static func open(
        on eventLoop: any EventLoop,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void
    ) async throws -> NativeConnection {
        var fds: [CInt] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw IOError(errnoCode: errno, reason: "socketpair for the worker's native transport")
        }
        let handler = NativeConnectionHandler()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            ByteToMessageHandler(NativeFrameDecoder()),
                            MessageToByteHandler(NativeFrameEncoder()),
                            handler
                        )
                    }
                }
                .withConnectedSocket(fds[0])
                .get()
        } catch {
            POSIX.close(fds[0])
            POSIX.close(fds[1])
            throw error
        }
        let connection = NativeConnection(channel: channel, workerDescriptor: fds[1], onEvent: onEvent)
        handler.connection = connection
        return connection
    }

    var environment: [String: String] { [WorkerVariable.runtimeDescriptor.rawValue: "0"] }

    func invoke(_ invocation: Invocation, timeout: TimeAmount) async throws -> WorkerReply {
        try await awaitReply(to: invocation) { reply in
            let handed = state.withLock { state in
                defer { state.workerWaiting = false }
                return state.handoff.hand(
                    invocation,
                    timeout: timeout,
                    reply: reply,
                    workerWaiting: state.workerWaiting
                )
            }
            switch handed {
            case .deliver:
                channel.eventLoop.execute { self.send(invocation, timeout: timeout) }
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
        let (waiting, streams) = state.withLock { state in
            defer { state.streams = [:] }
            return (state.handoff.close(exit: exit), Array(state.streams.values))
        }
        channel.close(promise: nil)
        for reply in waiting {
            reply.resume(throwing: WorkerGone(exit: exit))
        }
        for stream in streams {
            stream.end(.workerGone(exit))
        }
    }

    /// Sends an invocation in flight and starts its timer; on the event loop.
    private func send(_ invocation: Invocation, timeout: TimeAmount) {
        let frame = NativeFrame.invoke(
            NativeInvocation(
                id: invocation.id,
                deadline: invocation.deadlineEpochMs,
                invokedFunctionARN: invocation.functionARN,
                traceID: invocation.traceID,
                clientContext: invocation.clientContext,
                cognitoIdentity: invocation.cognitoIdentity,
                event: invocation.nativeEvent
            )
        )
        channel.writeAndFlush(frame, promise: nil)
        startTimer(invocation.id, timeout: timeout, on: channel.eventLoop)
    }

    // MARK: Called by the handler, on the event loop

    /// The worker asks for work: sends the queued invocation, or notes that the worker waits.
    func workerAsks() {
        let (abandoned, queued) = state.withLock { state in
            let abandoned = state.handoff.abandonInFlight()
            let queued = state.handoff.workerAsks()
            state.workerWaiting = queued == nil
            return (abandoned, queued)
        }
        if let abandoned {
            onEvent(.replied)
            abandoned.resume(returning: .error(.noResponse))
        }
        if let (invocation, timeout) = queued {
            send(invocation, timeout: timeout)
        } else {
            onEvent(.ready)
        }
    }

    /// The worker answered invocation `id` (and asks for the next); false when `id` is not in flight.
    func complete(id: String, with reply: WorkerReply) -> Bool {
        guard let caller = state.withLock({ $0.handoff.finish(id) }) else { return false }
        onEvent(.replied)
        caller.resume(returning: reply)
        workerAsks()
        return true
    }

    /// The worker starts streaming its response to invocation `id`: the invocation gets the stream as its reply.
    /// False when `id` is not in flight.
    func beginStream(id: String, contentType: String) -> Bool {
        let channel = self.channel
        let stream = ResponseStream(contentType: contentType) {
            channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        }
        let caller = state.withLock { state in
            let caller = state.handoff.finish(id)
            if caller != nil { state.streams[id] = stream }
            return caller
        }
        guard let caller else { return false }
        caller.resume(returning: .stream(stream))
        return true
    }

    /// The stream of invocation `id`'s response; nil when the worker is not streaming one.
    func stream(_ id: String) -> ResponseStream? {
        state.withLock { $0.streams[id] }
    }

    /// The worker ended its response to invocation `id` (and asks for the next invocation): its output up to now
    /// belongs to the invocation, then the stream ends. False when the worker was not streaming that response.
    func endStream(id: String, _ ending: ResponseStream.Ending) -> Bool {
        guard let stream = state.withLock({ $0.streams.removeValue(forKey: id) }) else { return false }
        onEvent(.replied)
        stream.end(ending)
        workerAsks()
        return true
    }

    /// The worker could not initialise.
    func initFailed(_ error: WorkerError) {
        onEvent(.initFailed(error))
    }

    /// The socket failed under the worker (a reset when it died with bytes unread, for instance). The invocation in
    /// flight is left for ``close(exit:)`` to fail with the worker's exit status, so a killed worker is a crash
    /// naming its signal, not a function error; only a worker still running ``exitGracePeriod`` later fails it with
    /// `Runtime.ConnectionLost` and is stopped.
    func lost(_ error: any Error) {
        channel.close(promise: nil)
        channel.eventLoop.scheduleTask(in: Self.exitGracePeriod) {
            guard self.withHandoff({ $0.exit == nil }) else { return }
            self.violated(
                WorkerError(
                    type: "Runtime.ConnectionLost",
                    message: "the worker's connection failed (\(error)) and the worker is still running"
                )
            )
        }
    }

    /// The worker broke the protocol: its invocation in flight and the responses it streams fail with `error`, and
    /// the worker is not used again.
    func violated(_ error: WorkerError) {
        let (caller, streams) = state.withLock { state in
            state.workerWaiting = false
            defer { state.streams = [:] }
            return (state.handoff.abandonInFlight(), Array(state.streams.values))
        }
        channel.close(promise: nil)
        if let caller {
            onEvent(.replied)
            caller.resume(returning: .error(error))
        }
        for stream in streams {
            onEvent(.replied)
            stream.end(.error(error))
        }
        onEvent(.unusable)
    }
}
