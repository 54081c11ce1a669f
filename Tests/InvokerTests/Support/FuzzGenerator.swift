import Foundation

/// Makes raw HTTP requests from a seed, over every route family of the invoker, mixing valid requests with broken
/// framing, odd methods, odd paths, oversized and incomplete parts. The same seed makes the same requests.
struct FuzzGenerator {
    /// One request, as the bytes to send.
    struct Request {
        /// The method on its request line.
        var method: String
        /// The bytes of the request.
        var text: String
        /// A short description for failure messages.
        var summary: String
    }

    private var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    private static let methods = [
        "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE", "FOO",
    ]
    private static let paths = [
        "/echo", "/greet", "/greet?x=1&y=%zz", "/function/echo", "/function/echo/a/b?q=1", "/function/nope",
        "/function/", "/2015-03-31/functions/echo/invocations", "/2015-03-31/functions/nope/invocations",
        "/2015-03-31/functions/echo", "/2015-03-31/functions/echo:1/invocations", "/queue/words",
        "/queue/words/batch", "/queue/nope", "/async-function/echo", "/system/functions", "/system/invocations",
        "/system/invocations/nope", "/system/queues", "/metrics", "/healthz", "/readyz", "/", "//", "/nowhere",
        "/%00", "/..%2f..", "*",
    ]
    private static let bodies = [
        "", "{}", #"{"name":"Ada"}"#, "[1,2,3]", "not json", #"{"Entries":[{"Id":"a","MessageBody":"b"}]}"#,
        String(repeating: "z", count: 5000),
    ]

    /// The next request.
    mutating func request() -> Request {
        let method = pick(Self.methods)
        let path = pick(Self.paths)
        let body = pick(Self.bodies)
        var headers = ["Host: 127.0.0.1"]
        var payload = body
        let shape = next(12)
        var summary = "\(method) \(path)"
        switch shape {
        case 0:
            // Chunked, sometimes with a broken chunk size.
            headers.append("Transfer-Encoding: chunked")
            let size = next(3) == 0 ? "zz" : String(body.utf8.count, radix: 16)
            payload = body.isEmpty ? "0\r\n\r\n" : "\(size)\r\n\(body)\r\n0\r\n\r\n"
            summary += " chunked \(size)"
        case 1:
            headers.append("Content-Length: \(body.utf8.count)")
            headers.append("Content-Length: \(body.utf8.count + 1)")
            summary += " duplicate Content-Length"
        case 2:
            headers.append("Content-Length: \(7_000_000 + next(1000))")
            summary += " Content-Length over the limit"
        case 3:
            headers.append("Content-Length: \(body.utf8.count + 10)")
            summary += " body shorter than its Content-Length"
        case 4:
            headers.append("X-Big: \(String(repeating: "h", count: 40_000 + next(20_000)))")
            headers.append("Content-Length: \(body.utf8.count)")
            summary += " big header"
        case 5:
            headers.append("Bad Header: x")
            summary += " invalid header name"
        case 6:
            headers.append("Content-Length: -\(next(5))")
            summary += " negative Content-Length"
        default:
            headers.append("Content-Length: \(body.utf8.count)")
            if next(2) == 0 { headers.append("Content-Type: application/json") }
        }
        if next(4) == 0 { headers.append("Connection: close") }
        if next(6) == 0 { headers.append("X-Amz-Invocation-Type: \(pick(["Event", "DryRun", "Bogus"]))") }
        let version = next(10) == 0 ? "HTTP/1.0" : "HTTP/1.1"
        let text = "\(method) \(path) \(version)\r\n" + headers.joined(separator: "\r\n") + "\r\n\r\n" + payload
        return Request(method: method, text: text, summary: summary)
    }

    private mutating func next(_ bound: Int) -> Int {
        Int(random.next() % UInt64(bound))
    }

    private mutating func pick<T>(_ values: [T]) -> T {
        values[next(values.count)]
    }
}

/// A small, fast generator whose sequence depends only on its seed (Swift's own generator cannot be seeded).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
