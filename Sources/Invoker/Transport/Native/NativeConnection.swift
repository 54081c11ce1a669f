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
    /// The worker asks for work by being ready (once per slot) and by answering: nothing to answer the ask through.
    typealias Ask = Void

    /// How long a worker whose connection failed has to exit before it is taken to be alive without it.
    static let exitGracePeriod: TimeAmount = .seconds(2)

    private let handoff: Mutex<InvocationHandoff<Void>>
    private let channel: any Channel
    private let onEvent: @Sendable (WorkerEvent) -> Void
    let workerDescriptor: CInt?

    private init(
        channel: any Channel,
        workerDescriptor: CInt,
        capacity: Int,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void
    ) {
        self.handoff = Mutex(InvocationHandoff(capacity: capacity))
        self.channel = channel
        self.workerDescriptor = workerDescriptor
        self.onEvent = onEvent
    }

    /// Creates the socket pair and serves the invoker's end on `eventLoop`, for a worker that runs `capacity`
    /// invocations at once; `onEvent` is called on that loop whenever the worker does something the pool must know
    /// about.
    static func open(
        on eventLoop: any EventLoop,
        capacity: Int = 1,
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
        let connection = NativeConnection(
            channel: channel,
            workerDescriptor: fds[1],
            capacity: capacity,
            onEvent: onEvent
        )
        handler.connection = connection
        return connection
    }

    var environment: [String: String] { [WorkerVariable.runtimeDescriptor.rawValue: "0"] }

    func invoke(_ invocation: Invocation, timeout: TimeAmount) async throws -> WorkerReply {
        try await awaitReply(to: invocation) { reply in
            switch handoff.withLock({ $0.hand(invocation, timeout: timeout, reply: reply) }) {
            case .deliver:
                if channel.eventLoop.inEventLoop {
                    send(invocation, timeout: timeout)
                } else {
                    channel.eventLoop.execute { self.send(invocation, timeout: timeout) }
                }
            case .gone(let exit):
                reply.resume(throwing: WorkerGone(exit: exit, delivered: false))
            case .queued:
                break
            }
        }
    }

    func withHandoff<Result>(_ body: (inout InvocationHandoff<Void>) -> Result) -> Result {
        handoff.withLock { body(&$0) }
    }

    func close(exit: WorkerExit) {
        let unanswered = handoff.withLock { $0.close(exit: exit) }
        channel.close(promise: nil)
        fail(unanswered, exit: exit)
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

    /// The worker is ready: it asks for as many invocations as it has slots.
    func workerReady() {
        for _ in 0..<withHandoff({ $0.capacity }) {
            workerAsks()
        }
    }

    /// The worker asks for one invocation: sends the queued one, or notes that the worker waits for one.
    private func workerAsks() {
        let asked = handoff.withLock { $0.workerAsks(()) }
        settle(asked, onEvent: onEvent)
        if let (invocation, timeout) = asked.delivered {
            send(invocation, timeout: timeout)
        }
    }

    /// The worker answered invocation `id` (and asks for the next); false when `id` is not in flight.
    func complete(id: String, with reply: WorkerReply) -> Bool {
        guard let caller = handoff.withLock({ $0.finish(id) }) else { return false }
        onEvent(.replied)
        caller.resume(returning: reply)
        workerAsks()
        return true
    }

    /// The worker starts streaming its response to invocation `id`: the invocation gets the stream as its reply, and
    /// keeps its slot until the stream ends. False when `id` is not in flight.
    func beginStream(id: String, contentType: String) -> Bool {
        let channel = self.channel
        let stream = ResponseStream(contentType: contentType) {
            channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        }
        guard let caller = handoff.withLock({ $0.beginStream(id, as: stream) }) else { return false }
        caller.resume(returning: .stream(stream))
        return true
    }

    /// The stream of invocation `id`'s response; nil when the worker is not streaming one.
    func stream(_ id: String) -> ResponseStream? {
        handoff.withLock { $0.stream(id) }
    }

    /// The worker ended its response to invocation `id` (and asks for the next invocation): its output up to now
    /// belongs to the invocation, then the stream ends. False when the worker was not streaming that response.
    func endStream(id: String, _ ending: ResponseStream.Ending) -> Bool {
        guard let stream = handoff.withLock({ $0.endStream(id) }) else { return false }
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

    /// The worker broke the protocol: its invocations in flight and the responses it streams fail with `error`, and
    /// the worker is not used again.
    func violated(_ error: WorkerError) {
        let unanswered = handoff.withLock { $0.abandonInFlight() }
        channel.close(promise: nil)
        // The pool hears first, so no caller goes on believing the worker usable.
        onEvent(.unusable)
        if !unanswered.delivered.isEmpty || !unanswered.streams.isEmpty { onEvent(.replied) }
        for caller in unanswered.delivered {
            caller.resume(returning: .error(error))
        }
        for stream in unanswered.streams {
            stream.end(.error(error))
        }
    }
}
