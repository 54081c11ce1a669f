#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SpawnerProcess {
    /// Forks and executes `request`'s worker with `input` as its standard input and `output` as its standard output
    /// and error; replies once the executable runs, or with the step that failed before it could.
    mutating func spawn(_ request: SpawnRequest, input: CInt, output: CInt) -> SpawnReply {
        // Where the child reports the step that failed; close-on-exec, so the end of the stream means it ran.
        guard let (report, childReport) = SpawnerSocket.pair() else {
            return .failed(id: request.id, step: .fork, errno: errno)
        }
        defer { report.close() }
        let plan = ChildPlan(request, input: input, output: output, report: childReport.descriptor)
        defer { plan.deallocate() }
        let pid = fork()
        if pid == 0 { Self.becomeWorker(plan) }
        let forkError = errno
        childReport.close()
        guard pid > 0 else { return .failed(id: request.id, step: .fork, errno: forkError) }
        var count: Int
        repeat {
            count = read(report.descriptor, plan.failure, 2 * MemoryLayout<Int64>.size)
        } while count < 0 && errno == EINTR
        guard count == 2 * MemoryLayout<Int64>.size else {
            children.insert(pid)
            return .spawned(id: request.id, pid: pid)
        }
        var status: CInt = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let step = SpawnStep(rawValue: plan.failure[0]) ?? .execve
        return .failed(id: request.id, step: step, errno: Int32(truncatingIfNeeded: plan.failure[1]))
    }

    /// The child between `fork` and `execve`: signals back to their defaults, its own process group, the limits, its
    /// directory, then (for an isolated worker) no supplementary groups and its own group and user id, checked; its
    /// three standard descriptors (every other descriptor of the spawner is close-on-exec). Any failure is reported
    /// with its step and ends the child, before the executable could run.
    ///
    /// It only makes plain C calls on values ``ChildPlan`` prepared: code the spawner never ran would make Swift's
    /// runtime look up type metadata and conformances in every child afresh, milliseconds in a binary this large.
    private static func becomeWorker(_ plan: ChildPlan) -> Never {
        var number: CInt = 1
        while number < 65 {
            if number != SIGKILL && number != SIGSTOP { signal(number, SIG_DFL) }
            number += 1
        }
        var mask = sigset_t()
        sigemptyset(&mask)
        sigprocmask(SIG_SETMASK, &mask, nil)
        if setpgid(0, 0) != 0 { fail(plan, .setpgid, errno) }
        var limit = rlimit(rlim_cur: plan.openFiles, rlim_max: plan.openFiles)
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) != 0 { fail(plan, .setrlimit, errno) }
        limit = rlimit(rlim_cur: plan.cpuSeconds, rlim_max: plan.cpuSeconds + 5)
        if setrlimit(__rlimit_resource_t(RLIMIT_CPU.rawValue), &limit) != 0 { fail(plan, .setrlimit, errno) }
        limit = rlimit(rlim_cur: 0, rlim_max: 0)
        if setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &limit) != 0 { fail(plan, .setrlimit, errno) }
        if plan.processes > 0 {
            limit = rlimit(rlim_cur: plan.processes, rlim_max: plan.processes)
            if setrlimit(__rlimit_resource_t(__RLIMIT_NPROC.rawValue), &limit) != 0 { fail(plan, .setrlimit, errno) }
        }
        // Still as the invoker: a function's directory need not be reachable by the worker's user (it was not before).
        if chdir(plan.directory) != 0 { fail(plan, .chdir, errno) }
        if plan.switchesUser {
            let id = plan.userID
            if setgroups(0, nil) != 0 { fail(plan, .setgroups, errno) }
            if setgid(id) != 0 { fail(plan, .setgid, errno) }
            if setuid(id) != 0 { fail(plan, .setuid, errno) }
            // Fail closed: a user that could switch back, or ids that did not all change, would run as the invoker.
            if getgid() != id || getegid() != id || getgroups(0, nil) != 0 { fail(plan, .setgid, EPERM) }
            if getuid() != id || geteuid() != id || setuid(0) == 0 { fail(plan, .setuid, EPERM) }
        }
        if dup2(plan.input, 0) != 0 || dup2(plan.output, 1) != 1 || dup2(plan.output, 2) != 2 {
            fail(plan, .dup2, errno)
        }
        execve(plan.path, plan.arguments, plan.environment)
        fail(plan, .execve, errno)
    }

    /// Reports that `step` failed with `code` and ends the child.
    private static func fail(_ plan: ChildPlan, _ step: SpawnStep, _ code: Int32) -> Never {
        plan.failure[0] = step.rawValue
        plan.failure[1] = Int64(code)
        _ = write(plan.report, plan.failure, 2 * MemoryLayout<Int64>.size)
        _exit(127)
    }
}

/// Everything the spawner's child needs, as C strings and plain numbers allocated before `fork`.
private struct ChildPlan {
    let path: UnsafeMutablePointer<CChar>
    let directory: UnsafeMutablePointer<CChar>
    let arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    let environment: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    let openFiles: rlim_t
    let cpuSeconds: rlim_t
    /// The process limit; 0 leaves it alone.
    let processes: rlim_t
    let switchesUser: Bool
    let userID: uid_t
    let input: CInt
    let output: CInt
    let report: CInt
    /// Where the child puts the failed step and its errno before writing them to `report`; where the spawner reads
    /// them.
    let failure: UnsafeMutablePointer<Int64>

    init(_ request: SpawnRequest, input: CInt, output: CInt, report: CInt) {
        path = strdup(request.executable)
        directory = strdup(request.workingDirectory)
        arguments = Self.cStrings([request.executable] + request.arguments)
        environment = Self.cStrings(request.environment)
        openFiles = rlim_t(request.limits.openFiles)
        cpuSeconds = rlim_t(request.limits.cpuSeconds)
        processes = rlim_t(request.limits.processes ?? 0)
        switchesUser = request.userID != nil
        userID = request.userID ?? 0
        self.input = input
        self.output = output
        self.report = report
        failure = .allocate(capacity: 2)
        failure.initialize(repeating: 0, count: 2)
    }

    /// Frees what the plan allocated.
    func deallocate() {
        free(path)
        free(directory)
        for list in [arguments, environment] {
            var index = 0
            while let string = list[index] {
                free(string)
                index += 1
            }
            list.deallocate()
        }
        failure.deallocate()
    }

    /// `strings` as a NULL-terminated array of C strings.
    private static func cStrings(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let list = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { list[index] = strdup(string) }
        list[strings.count] = nil
        return list
    }
}
