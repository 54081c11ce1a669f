import Runtime

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `{"lines":["a","b"]}`: prints each line to stdout and `stderr: <line>` to stderr, then answers `{"printed":2}`.
struct Print: Handler {
    struct Request: Decodable {
        var lines: [String]
    }

    struct Response: Encodable {
        var printed: Int
    }

    func handle(_ request: Request, context: Context) async throws -> Response {
        for line in request.lines {
            print(line)
            fputs("stderr: \(line)\n", stderr)
        }
        return Response(printed: request.lines.count)
    }
}
