import NIOCore
import Runtime

/// `{"bytes":N}`: answers N bytes of `x` (not JSON: the size is what counts), to test the response size limit.
struct Large: Handler {
    struct Request: Decodable {
        var bytes: Int
    }

    func handle(_ request: Request, context: Context) async throws -> String {
        String(repeating: "x", count: max(0, request.bytes - 2))
    }
}
