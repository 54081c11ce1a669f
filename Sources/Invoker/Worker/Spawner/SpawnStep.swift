/// The steps a worker process takes between the spawner's `fork` and its executable, in order; a spawn that fails
/// names the step, so the log says what went wrong (`setuid`, `execve` …).
enum SpawnStep: Int64, Sendable, CustomStringConvertible {
    case fork = 1
    case setpgid, setrlimit, setgroups, setgid, setuid, chdir, dup2, execve

    var description: String {
        switch self {
        case .fork: "fork"
        case .setpgid: "setpgid"
        case .setrlimit: "setrlimit"
        case .setgroups: "setgroups"
        case .setgid: "setgid"
        case .setuid: "setuid"
        case .chdir: "chdir"
        case .dup2: "dup2"
        case .execve: "execve"
        }
    }
}
