import NIOCore
import Synchronization

/// A response writer that collects the response and sends it in one request when it is finished.
final class BufferedResponseWriter<Client: RuntimeClient>: ResponseWriter {
    private enum State {
        case writing(ByteBuffer?)
        case finished

        /// Appends to the response; false when it is already finished.
        mutating func append(_ buffer: ByteBuffer) -> Bool {
            guard case .writing(var written) = self else { return false }
            // Drop this reference to the bytes first, so appending to them does not copy them.
            self = .finished
            if written == nil {
                written = buffer
            } else {
                written?.writeImmutableBuffer(buffer)
            }
            self = .writing(written)
            return true
        }

        /// Ends the response and returns its bytes; `nil` when it was already finished.
        mutating func finish() -> ByteBuffer? {
            guard case .writing(let written) = self else { return nil }
            self = .finished
            return written ?? ByteBuffer()
        }
    }

    private let client: Client
    private let requestID: String
    private let state = Mutex(State.writing(nil))

    init(client: Client, requestID: String) {
        self.client = client
        self.requestID = requestID
    }

    func write(_ buffer: ByteBuffer) async throws {
        guard self.state.withLock({ $0.append(buffer) }) else { throw self.alreadyFinished() }
    }

    func finish() async throws {
        guard let body = self.state.withLock({ $0.finish() }) else { throw self.alreadyFinished() }
        try await self.client.reportResponse(requestID: self.requestID, body: body)
    }

    func writeAndFinish(_ buffer: ByteBuffer) async throws {
        guard let body = self.state.withLock({ $0.append(buffer) ? $0.finish() : nil }) else {
            throw self.alreadyFinished()
        }
        try await self.client.reportResponse(requestID: self.requestID, body: body)
    }

    /// Sends what was written, unless the handler already finished the response.
    func finishIfNeeded() async throws {
        if let body = self.state.withLock({ $0.finish() }) {
            try await self.client.reportResponse(requestID: self.requestID, body: body)
        }
    }

    /// Ends the response so an error can be reported instead; false when it was already finished.
    func finishForError() -> Bool {
        self.state.withLock { $0.finish() } != nil
    }

    private func alreadyFinished() -> FunctionError {
        FunctionError(
            type: "Runtime.ResponseAlreadyFinished",
            message: "The response to invocation \(self.requestID) was already finished; nothing can be written after"
        )
    }
}
