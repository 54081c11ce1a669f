#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SpawnerProcess {
    /// Forks and executes `request`'s worker with `input` as its standard input and `output` as its standard output
    /// and error; replies once the executable runs, or with the step that failed before it could.
    mutating func spawn(_ request: SpawnRequest, input: CInt, output: CInt) -> SpawnReply {
        let path = strdup(request.executable)
        let directory = strdup(request.workingDirectory)
        let arguments = ([request.executable] + request.arguments).map { strdup($0) } + [nil]
        let environment = request.environment.map { strdup($0) } + [nil]
        defer {
            free(path)
            free(directory)
            for string in arguments + environment { free(string) }
        }
        // Where the child reports the step that failed; close-on-exec, so the end of the stream means it ran.
        guard let (report, childReport) = SpawnerSocket.pair() else {
            return .failed(id: request.id, step: .fork, errno: errno)
        }
        let pid = fork()
        if pid == 0 {
            Self.becomeWorker(
                request,
                path: path!,
                directory: directory!,
                arguments: arguments,
                environment: environment,
                input: input,
                output: output,
                report: childReport.descriptor
            )
        }
        let forkError = errno
        childReport.close()
        defer { report.close() }
        guard pid > 0 else { return .failed(id: request.id, step: .fork, errno: forkError) }
        var failure: (step: Int64, errno: Int64) = (0, 0)
        var count: Int
        repeat {
            count = withUnsafeMutableBytes(of: &failure) { read(report.descriptor, $0.baseAddress, $0.count) }
        } while count < 0 && errno == EINTR
        guard count == MemoryLayout.size(ofValue: failure) else {
            children.insert(pid)
            return .spawned(id: request.id, pid: pid)
        }
        var status: CInt = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return .failed(id: request.id, step: SpawnStep(rawValue: failure.step) ?? .execve, errno: Int32(failure.errno))
    }

    /// The child between `fork` and `execve`: signals back to their defaults, its own process group, the limits, its
    /// directory, then (for an isolated worker) no supplementary groups and its own group and user id, checked; its
    /// three standard descriptors and no other. Any failure is reported with its step and ends the child, before the
    /// executable could run.
    private static func becomeWorker(
        _ request: SpawnRequest,
        path: UnsafePointer<CChar>,
        directory: UnsafePointer<CChar>,
        arguments: [UnsafeMutablePointer<CChar>?],
        environment: [UnsafeMutablePointer<CChar>?],
        input: CInt,
        output: CInt,
        report: CInt
    ) -> Never {
        func fail(_ step: SpawnStep, _ code: Int32 = errno) -> Never {
            var failure: (step: Int64, errno: Int64) = (step.rawValue, Int64(code))
            _ = withUnsafeBytes(of: &failure) { write(report, $0.baseAddress, $0.count) }
            _exit(127)
        }
        for number in 1..<CInt(65) where number != SIGKILL && number != SIGSTOP {
            signal(number, SIG_DFL)
        }
        var mask = sigset_t()
        sigemptyset(&mask)
        sigprocmask(SIG_SETMASK, &mask, nil)
        guard setpgid(0, 0) == 0 else { fail(.setpgid) }
        let limits = request.limits
        var applied = [
            (RLIMIT_NOFILE, rlimit(rlim_cur: rlim_t(limits.openFiles), rlim_max: rlim_t(limits.openFiles))),
            (RLIMIT_CPU, rlimit(rlim_cur: rlim_t(limits.cpuSeconds), rlim_max: rlim_t(limits.cpuSeconds + 5))),
            (RLIMIT_CORE, rlimit(rlim_cur: 0, rlim_max: 0)),
        ]
        if let processes = limits.processes {
            applied.append((__RLIMIT_NPROC, rlimit(rlim_cur: rlim_t(processes), rlim_max: rlim_t(processes))))
        }
        for (resource, limit) in applied {
            var limit = limit
            guard setrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0 else { fail(.setrlimit) }
        }
        // Still as the invoker: a function's directory need not be reachable by the worker's user (it was not before).
        guard chdir(directory) == 0 else { fail(.chdir) }
        if let id = request.userID {
            guard setgroups(0, nil) == 0 else { fail(.setgroups) }
            guard setgid(id) == 0 else { fail(.setgid) }
            guard setuid(id) == 0 else { fail(.setuid) }
            // Fail closed: a user that could switch back, or ids that did not all change, would run as the invoker.
            guard getgid() == id && getegid() == id && getgroups(0, nil) == 0 else { fail(.setgid, EPERM) }
            guard getuid() == id && geteuid() == id && setuid(0) != 0 else { fail(.setuid, EPERM) }
        }
        guard dup2(input, 0) == 0, dup2(output, 1) == 1, dup2(output, 2) == 2 else { fail(.dup2) }
        for descriptor in directoryEntries("/proc/self/fd") where descriptor > 2 && descriptor != report {
            close(descriptor)
        }
        execve(path, arguments, environment)
        fail(.execve)
    }
}
