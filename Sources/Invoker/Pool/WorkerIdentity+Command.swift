import Foundation

extension WorkerIdentity {
    /// The `setpriv` command (util-linux), where the system has it.
    static let setprivCommand: String? = ["/usr/bin/setpriv", "/bin/setpriv"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// The executable and arguments that run `executable` with `arguments` as this identity: through `setpriv`,
    /// which switches to the worker's user and group and drops the supplementary groups, then executes it.
    ///
    /// The switch happens in `setpriv`, not between `fork` and `exec` in the invoker: glibc's `setgroups`, `setgid`
    /// and `setuid` synchronise with every thread of the process, and in the child of a multi-threaded process they
    /// can wait forever for a thread that was being created or was exiting when it forked. So workers are started
    /// with `posix_spawn`, always.
    func wrapping(_ executable: String, _ arguments: [String]) throws -> (executable: String, arguments: [String]) {
        guard case .isolated(let uid) = self else { return (executable, arguments) }
        guard let command = Self.setprivCommand else {
            throw InvokerError(
                .configuration,
                "the setpriv command (util-linux) is missing; it starts isolated workers under their own user id"
            )
        }
        return (command, ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--", executable] + arguments)
    }
}
