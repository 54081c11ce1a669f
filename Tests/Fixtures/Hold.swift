import Logging
import Runtime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `{"ms":200}`: logs a line through `context.logger` (which carries the request id) and prints one that carries
/// none, holds for that long, then answers `{"id":"<request id>","pid":<worker pid>}`. With `"crash":true`, the
/// worker is killed (SIGKILL) after the wait instead: a test of what happens to the invocations beside it.
struct Hold: Handler {
    struct Request: Decodable {
        var ms: Int
        var crash: Bool?
    }

    struct Response: Encodable {
        var id: String
        var pid: Int32
    }

    func handle(_ request: Request, context: Context) async throws -> Response {
        context.logger.info("holding for \(request.ms) ms")
        print("a line that names no invocation")
        try await Task.sleep(for: .milliseconds(request.ms))
        if request.crash == true {
            kill(getpid(), SIGKILL)
        }
        return Response(id: context.requestID, pid: getpid())
    }
}
