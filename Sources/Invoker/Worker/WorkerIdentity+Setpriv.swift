import Foundation

extension WorkerIdentity {
    /// The `setpriv` command (util-linux), where the system has it.
    static let setprivCommand: String? = ["/usr/bin/setpriv", "/bin/setpriv"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// The executable and arguments that run `executable` with `arguments` as this identity.
    ///
    /// An isolated worker is started through util-linux's `setpriv`, which sets its user and group ids and clears its
    /// supplementary groups, then executes the rest. The switch happens in a fresh single-threaded process instead of
    /// in a child forked from the multi-threaded invoker: there glibc's `setgroups` and `setuid` wait for every thread
    /// the parent had, and a fork taken while another thread was being created waits forever.
    func wrapping(_ executable: String, _ arguments: [String]) throws -> (executable: String, arguments: [String]) {
        guard case .isolated(let uid) = self else { return (executable, arguments) }
        guard let command = Self.setprivCommand else {
            throw InvokerError(
                .configuration,
                "the setpriv command (util-linux) is missing; it runs isolated workers under their own user ids"
            )
        }
        return (command, ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--", executable] + arguments)
    }
}
