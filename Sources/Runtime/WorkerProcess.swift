#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The worker process's environment and standard streams.
enum WorkerProcess {
    /// Makes stdout line-buffered, so the invoker gets each printed line as it is printed, not when a block fills.
    static func lineBufferStandardOutput() {
        setvbuf(stdout, nil, _IOLBF, 0)
    }

    /// The value of an environment variable; `nil` when it is not set.
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// Prints `message` to stderr and ends the process with status 1.
    static func fail(_ message: String) -> Never {
        fputs(message + "\n", stderr)
        exit(1)
    }
}
