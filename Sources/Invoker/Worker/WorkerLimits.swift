import Foundation

/// The operating-system limits of one worker process: open files, CPU seconds, processes (against fork bombs) and
/// no core dumps. Memory is enforced by the pool, which watches each busy worker's resident memory (there are no
/// cgroups here, and an address-space limit breaks multi-threaded runtimes that reserve large arenas).
///
/// The worker is started through util-linux's `prlimit` command, which sets the limits on itself and then executes
/// the worker: the limits hold before the worker's first instruction, and no privilege is needed (a process may
/// always lower its own limits, also after it switched to its own user id). The process count is per user id, so it
/// only bounds a worker that runs under a user id of its own (see ``WorkerIdentity``).
struct WorkerLimits: Sendable, Equatable {
    /// The most open file descriptors.
    var openFiles: Int
    /// The most CPU seconds over the worker's life; past it the worker gets SIGXCPU, five seconds later SIGKILL.
    var cpuSeconds: Int
    /// The most processes and threads; nil leaves the limit alone.
    var processes: Int?

    /// The `prlimit` command, where the system has it.
    static let command: String? = ["/usr/bin/prlimit", "/bin/prlimit"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// The executable and arguments that run `executable` with `arguments` under these limits.
    func wrapping(_ executable: String, _ arguments: [String]) throws -> (executable: String, arguments: [String]) {
        guard let command = Self.command else {
            throw InvokerError(
                .configuration,
                "the prlimit command (util-linux) is missing; it applies the workers' limits"
            )
        }
        var limits = ["--nofile=\(openFiles):\(openFiles)", "--cpu=\(cpuSeconds):\(cpuSeconds + 5)", "--core=0:0"]
        if let processes { limits.append("--nproc=\(processes):\(processes)") }
        return (command, limits + ["--", executable] + arguments)
    }
}
