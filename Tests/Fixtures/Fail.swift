import NIOCore
import Runtime

/// Whatever the event, throws a ``FixtureError`` saying `failed on purpose`.
struct Fail: StreamingHandler {
    func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws {
        throw FixtureError(description: "failed on purpose")
    }
}
