import NIOCore
import Runtime

/// Answers with the event it received, byte for byte, so tests can see exactly what the invoker sent.
struct Event: StreamingHandler {
    func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws {
        try await responseWriter.writeAndFinish(event)
    }
}
