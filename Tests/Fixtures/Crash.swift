import Runtime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `{"signal":"SIGSEGV"}` kills the worker with that signal; `{"exitCode":3}` exits it with that status; `{}` returns
/// `{"crashed":"no"}`, so a test can show the function works again after a crash.
struct Crash: Handler {
    struct Request: Decodable {
        var signal: String?
        var exitCode: Int32?
    }

    private static let signals = [
        "SIGABRT": SIGABRT, "SIGBUS": SIGBUS, "SIGFPE": SIGFPE, "SIGILL": SIGILL, "SIGINT": SIGINT,
        "SIGKILL": SIGKILL, "SIGSEGV": SIGSEGV, "SIGTERM": SIGTERM,
    ]

    func handle(_ request: Request, context: Context) async throws -> [String: String] {
        if let exitCode = request.exitCode {
            exit(exitCode)
        }
        guard let name = request.signal else { return ["crashed": "no"] }
        guard let number = Self.signals[name] else {
            let known = Self.signals.keys.sorted().joined(separator: ", ")
            throw FixtureError(description: "expected {\"exitCode\":N} or {\"signal\":S} with S one of \(known)")
        }
        // The default action, not the Swift runtime's crash handler, so the worker dies at once.
        signal(number, SIG_DFL)
        raise(number)
        throw FixtureError(description: "\(name) did not end the worker")
    }
}
