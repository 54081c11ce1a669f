import Foundation
import Hummingbird
import Logging
import NIOCore

// The benchmarks' in-process baseline: a Hummingbird server that runs the same `hello` and `echo` handlers as the
// `Functions` worker binary (their sources are linked here), in its own process, without workers. What the invoker
// adds on top of it is what the benchmarks measure. `GET /bare/hello?name=…` answers the same text straight from a
// Hummingbird route, without building a Function URL event: the difference to `/hello` is what the event costs.
//
//     Baseline [--port PORT]    (0 picks a free port; the line `baseline: serving on http://127.0.0.1:PORT` tells it)

/// The port named by `--port`, 8081 without it; exits with a usage message on anything else.
func parsePort(_ arguments: [String]) -> Int {
    if arguments.isEmpty { return 8081 }
    guard arguments.count == 2, arguments[0] == "--port", let port = Int(arguments[1]), (0...65_535).contains(port)
    else {
        FileHandle.standardError.write(Data("usage: Baseline [--port PORT]  (0 picks a free port)\n".utf8))
        exit(2)
    }
    return port
}

let port = parsePort(Array(CommandLine.arguments.dropFirst()))
var logger = Logger(label: "baseline")
logger.logLevel = .warning
let router = Router(context: BaselineRequestContext.self)
let hello = InProcessFunction(name: "hello", routeKey: "GET /hello", handler: Hello(), logger: logger)
let echo = InProcessFunction(name: "echo", routeKey: "POST /echo", handler: Echo(), logger: logger)
router.get("/hello", use: hello.respond)
router.post("/echo", use: echo.respond)
router.get("/bare/hello") { request, _ -> String in
    "Hello, \(request.uri.queryParameters["name"].map(String.init) ?? "world")!"
}
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
    onServerRunning: { channel in
        // Written unbuffered, like `invoker serve`'s banner: the benchmark script reads the port from it.
        let port = channel.localAddress?.port ?? 0
        FileHandle.standardOutput.write(Data("baseline: serving on http://127.0.0.1:\(port)\n".utf8))
    },
    logger: logger
)
try await app.runService()
