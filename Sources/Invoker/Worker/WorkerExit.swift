#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a worker process ended: an exit code or a signal.
enum WorkerExit: Sendable, Equatable, CustomStringConvertible {
    /// The process called `exit` with this code.
    case exited(Int32)
    /// The process was killed by this signal.
    case signaled(Int32)
    /// There was no process: the invoker could not spawn it, for the reason given.
    case notStarted(String)

    var description: String {
        switch self {
        case .exited(let code):
            return "exit status \(code)"
        case .signaled(let signal):
            return "signal \(signal) (\(Self.signalName(signal)))"
        case .notStarted(let reason):
            return "no process (it could not be started: \(reason))"
        }
    }

    /// How a worker that could not be spawned because of `errno` ended: running out of descriptors is said so (the
    /// worker is not at fault); anything else is what a shell reports for a command that could not run, 127.
    static func spawnFailed(errno: Int32?) -> WorkerExit {
        switch errno {
        case EMFILE: return .notStarted("the invoker is out of file descriptors (EMFILE)")
        case ENFILE: return .notStarted("the system is out of file descriptors (ENFILE)")
        default: return .exited(127)
        }
    }

    /// The conventional name of a signal, such as `SIGSEGV`.
    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGHUP: return "SIGHUP"
        case SIGINT: return "SIGINT"
        case SIGQUIT: return "SIGQUIT"
        case SIGILL: return "SIGILL"
        case SIGTRAP: return "SIGTRAP"
        case SIGABRT: return "SIGABRT"
        case SIGBUS: return "SIGBUS"
        case SIGFPE: return "SIGFPE"
        case SIGKILL: return "SIGKILL"
        case SIGSEGV: return "SIGSEGV"
        case SIGPIPE: return "SIGPIPE"
        case SIGALRM: return "SIGALRM"
        case SIGTERM: return "SIGTERM"
        case SIGXCPU: return "SIGXCPU"
        case SIGXFSZ: return "SIGXFSZ"
        default: return "signal \(signal)"
        }
    }
}
