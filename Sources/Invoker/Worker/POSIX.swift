#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's process and descriptor calls, named apart from the methods of the same names on our types
/// (`Worker.kill(_:)`, `WorkerConnection.close(exit:)`), on Linux and on Apple platforms alike.
enum POSIX {
    /// Closes a file descriptor.
    static func close(_ descriptor: CInt) {
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #elseif canImport(Darwin)
        _ = Darwin.close(descriptor)
        #endif
    }

    /// Sends `signal` to the process `pid` (a negative pid: its process group).
    static func kill(_ pid: pid_t, _ signal: CInt) {
        #if canImport(Glibc)
        _ = Glibc.kill(pid, signal)
        #elseif canImport(Darwin)
        _ = Darwin.kill(pid, signal)
        #endif
    }
}
