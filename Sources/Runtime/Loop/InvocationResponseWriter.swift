import NIOCore
import Synchronization

/// The response writer the invocation loop hands a handler: a response written whole (``writeAndFinish(_:)`` or
/// ``finish()`` alone) is sent in one request, while the first ``write(_:)`` starts a stream whose chunks are sent
/// as they are written.
///
/// Calls must not overlap: each one returns once its bytes are handed to the connection, which is what keeps a fast
/// writer from buffering without bound.
final class InvocationResponseWriter<Client: RuntimeClient>: ResponseWriter {
    /// The content type of a stream that does not begin with ``writeStatusAndHeaders(_:)``, as Lambda's runtime
    /// clients declare it.
    static var streamContentType: String { "application/octet-stream" }

    private let client: Client
    private let requestID: String
    private let state = Mutex(StateMachine())

    init(client: Client, requestID: String) {
        self.client = client
        self.requestID = requestID
    }

    func write(_ buffer: ByteBuffer) async throws {
        switch self.state.withLock({ $0.write() }) {
        case .startStream:
            try await self.client.startStream(requestID: self.requestID, contentType: Self.streamContentType)
            try await self.client.writeStream(requestID: self.requestID, chunk: buffer)
        case .writeChunk:
            try await self.client.writeStream(requestID: self.requestID, chunk: buffer)
        case .alreadyFinished:
            throw self.alreadyFinished()
        }
    }

    func writeStatusAndHeaders(_ head: StreamingStatusAndHeaders) async throws {
        switch self.state.withLock({ $0.writeStatusAndHeaders() }) {
        case .startStream:
            try await self.client.startStream(
                requestID: self.requestID,
                contentType: StreamingStatusAndHeaders.contentType
            )
            try await self.client.writeStream(requestID: self.requestID, chunk: try head.prelude())
        case .alreadyStarted:
            throw FunctionError(
                type: "Runtime.ResponseAlreadyStarted",
                message: """
                    The response to invocation \(self.requestID) was already started; its status and headers must be \
                    written before any of its body
                    """
            )
        case .alreadyFinished:
            throw self.alreadyFinished()
        }
    }

    func finish() async throws {
        try await self.writeAndFinish(ByteBuffer())
    }

    func writeAndFinish(_ buffer: ByteBuffer) async throws {
        let action = self.state.withLock { $0.finish() }
        guard action != .alreadyFinished else { throw self.alreadyFinished() }
        try await self.perform(action, last: buffer)
    }

    /// Sends what was written, unless the handler already finished the response.
    func finishIfNeeded() async throws {
        let action = self.state.withLock { $0.finish() }
        guard action != .alreadyFinished else { return }
        try await self.perform(action, last: ByteBuffer())
    }

    /// Reports that the handler failed with `error`: as the invocation's error before the response started, as the
    /// stream's error ending after. False when the response was already finished, and nothing was sent.
    func fail(with error: FunctionError) async throws -> Bool {
        switch self.state.withLock({ $0.fail() }) {
        case .reportError:
            try await self.client.reportError(requestID: self.requestID, error: error)
        case .endStreamWithError:
            try await self.client.finishStream(requestID: self.requestID, error: error)
        case .alreadyFinished:
            return false
        }
        return true
    }

    private func perform(_ action: StateMachine.FinishAction, last: ByteBuffer) async throws {
        switch action {
        case .sendWhole:
            try await self.client.reportResponse(requestID: self.requestID, body: last)
        case .endStream:
            if last.readableBytes > 0 {
                try await self.client.writeStream(requestID: self.requestID, chunk: last)
            }
            try await self.client.finishStream(requestID: self.requestID, error: nil)
        case .alreadyFinished:
            preconditionFailure("the response to invocation \(self.requestID) was finished twice")
        }
    }

    private func alreadyFinished() -> FunctionError {
        FunctionError(
            type: "Runtime.ResponseAlreadyFinished",
            message: "The response to invocation \(self.requestID) was already finished; nothing can be written after"
        )
    }
}
