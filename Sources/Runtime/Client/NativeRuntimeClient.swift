import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The native transport's client: binary frames over the Unix domain socket the invoker hands the worker, one
/// frame each way per warm invocation (a streamed response is a start frame, its chunks and an end frame).
///
/// The actor runs on the connection's event loop, so a frame goes straight to the channel handler and an invocation
/// comes back without another hop.
actor NativeRuntimeClient: RuntimeClient {
    /// The variable that names the descriptor of the worker's end of the socket.
    static let descriptorVariable = "INVOKER_RUNTIME_FD"

    nonisolated let unownedExecutor: UnownedSerialExecutor
    private let handler: NIOLoopBound<NativeClientHandler>
    private var announcedReady = false

    private init(handler: NIOLoopBound<NativeClientHandler>) {
        self.unownedExecutor = handler.eventLoop.executor.asUnownedSerialExecutor()
        self.handler = handler
    }

    /// Takes over the connected socket `descriptor`. When it is standard input (what the invoker passes), it is
    /// moved to a descriptor of its own and standard input becomes `/dev/null`, so a function that reads standard
    /// input cannot disturb the transport.
    static func connect(
        descriptor: CInt,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> NativeRuntimeClient {
        var socket = descriptor
        if descriptor == STDIN_FILENO {
            socket = fcntl(descriptor, F_DUPFD_CLOEXEC, 3)
            guard socket >= 0 else { throw IOError(errnoCode: errno, reason: "dup") }
            let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
            if null >= 0 {
                dup2(null, STDIN_FILENO)
                close(null)
            }
        }
        let handler = try await ClientBootstrap(group: group).withConnectedSocket(socket) { channel in
            channel.eventLoop.makeCompletedFuture {
                let handler = NativeClientHandler()
                try channel.pipeline.syncOperations.addHandlers(
                    ByteToMessageHandler(NativeFrameDecoder()),
                    MessageToByteHandler(NativeFrameEncoder()),
                    handler
                )
                return NIOLoopBound(handler, eventLoop: channel.eventLoop)
            }
        }
        return NativeRuntimeClient(handler: handler)
    }

    func nextInvocation() async throws -> (InvocationMetadata, InvocationEvent) {
        if !self.announcedReady {
            self.announcedReady = true
            try self.handler.value.send(.ready)
        }
        let invocation = try await withUnsafeThrowingContinuation { continuation in
            self.handler.value.next(continuation)
        }
        let metadata = InvocationMetadata(
            requestID: invocation.id,
            deadline: invocation.deadline,
            invokedFunctionARN: invocation.invokedFunctionARN,
            traceID: invocation.traceID,
            clientContext: invocation.clientContext,
            cognitoIdentity: invocation.cognitoIdentity
        )
        return (metadata, invocation.event)
    }

    func reportResponse(requestID: String, body: ByteBuffer) throws {
        try self.handler.value.send(.response(id: requestID, body: body))
    }

    func reportHTTPResponse(requestID: String, response: FunctionURLResponse) throws {
        try self.handler.value.send(.httpResponse(id: requestID, response: response))
    }

    func reportError(requestID: String, error: FunctionError) throws {
        try self.handler.value.send(.error(id: requestID, type: error.errorType, message: error.errorMessage))
    }

    func startStream(requestID: String, contentType: String) throws {
        try self.handler.value.send(.streamStart(id: requestID, contentType: contentType))
    }

    /// Sends `chunk` in frames of at most ``NativeFrame/maxStreamChunk`` bytes, each once the last was written.
    func writeStream(requestID: String, chunk: ByteBuffer) async throws {
        var rest = chunk
        repeat {
            let piece = rest.readSlice(length: min(rest.readableBytes, NativeFrame.maxStreamChunk))!
            let written = self.handler.eventLoop.makePromise(of: Void.self)
            try self.handler.value.send(.streamChunk(id: requestID, body: piece), promise: written)
            do {
                try await written.futureResult.get()
            } catch {
                throw RuntimeClientError.connectionClosed(during: "a streamed response")
            }
        } while rest.readableBytes > 0
    }

    func finishStream(requestID: String, error: FunctionError?) throws {
        let frame: NativeFrame =
            if let error {
                .streamError(id: requestID, type: error.errorType, message: error.errorMessage)
            } else {
                .streamEnd(id: requestID)
            }
        try self.handler.value.send(frame)
    }

    func reportInitError(_ error: FunctionError) async throws {
        // The worker exits next: let the frame leave first.
        let written = self.handler.eventLoop.makePromise(of: Void.self)
        try self.handler.value.send(.initError(type: error.errorType, message: error.errorMessage), promise: written)
        try await written.futureResult.get()
    }
}
