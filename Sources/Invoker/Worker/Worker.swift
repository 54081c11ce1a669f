import Logging
import NIOCore
import NIOPosix
import Subprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// One worker process of a function: spawned in its own process group with only its declared environment, its
/// output captured, and always reaped and killed with its whole group.
final class Worker: Sendable {
    /// How long a worker may take to exit after SIGTERM before its group is killed.
    static let stopGracePeriod: Duration = .seconds(2)

    /// The worker's number within its pool.
    let id: Int
    /// The channel invocations go through.
    let connection: any WorkerConnection
    /// The event loop the connection and the output pipe are served on.
    let eventLoop: any EventLoop
    /// The worker's captured stdout and stderr.
    let output: OutputCapture

    /// Why the invoker ended a worker on purpose.
    enum KillReason: Sendable, Equatable {
        /// Its invocation ran past the function's timeout.
        case timeout
        /// Its resident memory went past the function's limit (KiB used).
        case memory(usedKB: Int)
        /// It was retired or the invoker is shutting down.
        case stopped
    }

    private struct State {
        var pid: pid_t?
        var exited = false
        var killReason: KillReason?
        /// How many of its slots asked for work before its spawn returned its process id: the pool hears of them then.
        var readiesBeforePID = 0
        /// Its peak resident memory as last sampled, in KiB.
        var peakMemoryKB: Int?
    }

    private let state = Mutex(State())
    private let outputChannel: any Channel
    private let stopSignal = AsyncStream<Void>.makeStream()
    private let onEvent: @Sendable (Worker, WorkerEvent) -> Void

    private init(
        id: Int,
        connection: any WorkerConnection,
        eventLoop: any EventLoop,
        output: OutputCapture,
        outputChannel: any Channel,
        onEvent: @escaping @Sendable (Worker, WorkerEvent) -> Void
    ) {
        self.id = id
        self.connection = connection
        self.eventLoop = eventLoop
        self.output = output
        self.outputChannel = outputChannel
        self.onEvent = onEvent
    }

    /// Prepares a worker that runs `concurrency` invocations at once: its connection over `transport` and its
    /// output pipe, both on one event loop so the output can be fenced exactly when a reply arrives. `onEvent`
    /// receives the worker's events; output lines that belong to no invocation (with `concurrency` above 1) are
    /// logged to `logger`.
    static func prepare(
        id: Int,
        transport: FunctionDefinition.Transport,
        concurrency: Int,
        eventLoop: any EventLoop,
        logger: Logger,
        onEvent: @escaping @Sendable (Worker, WorkerEvent) -> Void
    ) async throws -> (worker: Worker, pipeWriteEnd: CInt) {
        // A socket pair rather than a pipe: it can be created close-on-exec atomically, so no other worker spawned
        // at the same moment inherits this one's output (which would keep it open after this worker exits).
        var fds: [CInt] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw IOError(errnoCode: errno, reason: "socketpair for the worker's output")
        }
        shutdown(fds[0], Int32(SHUT_WR))
        shutdown(fds[1], Int32(SHUT_RD))
        let capture = OutputCapture(
            descriptor: fds[0],
            attribution: concurrency == 1
                ? .sequential
                : .byRequestID { line in logger.info("Worker output", metadata: [LogKey.outputLine: "\(line)"]) }
        )
        let channel: any Channel
        do {
            channel = try await NIOPipeBootstrap(group: eventLoop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(OutputCaptureHandler(capture: capture))
                    }
                }
                .takingOwnershipOfDescriptor(input: fds[0])
                .get()
        } catch {
            close(fds[0])
            close(fds[1])
            throw error
        }
        let box = WorkerBox()
        let connection: any WorkerConnection
        let forward: @Sendable (WorkerEvent) -> Void = { event in
            box.worker?.forward(event)
        }
        do {
            switch transport {
            case .native:
                connection = try await NativeConnection.open(on: eventLoop, capacity: concurrency, onEvent: forward)
            case .runtimeAPI:
                connection = try await RuntimeAPIConnection.listen(
                    on: eventLoop,
                    peers: .undecided,
                    capacity: concurrency,
                    onEvent: forward
                )
            }
        } catch {
            channel.close(promise: nil)
            close(fds[1])
            throw error
        }
        let worker = Worker(
            id: id,
            connection: connection,
            eventLoop: eventLoop,
            output: capture,
            outputChannel: channel,
            onEvent: onEvent
        )
        box.worker = worker
        return (worker, fds[1])
    }

    /// Passes `event` to the pool; a worker that is ready before its process id is known (a native worker can be) is
    /// announced once the id is, so every invocation's record names its worker.
    private func forward(_ event: WorkerEvent) {
        if case .ready = event {
            let known = state.withLock { state in
                if state.pid == nil { state.readiesBeforePID += 1 }
                return state.pid != nil
            }
            guard known else { return }
        }
        onEvent(self, event)
    }

    /// The worker's process id, once spawned.
    var pid: pid_t? { state.withLock { $0.pid } }

    /// Runs the process until it exits or is stopped, and returns how it ended. The process group is killed on
    /// the way out, so nothing the worker started outlives it.
    func run(_ launch: WorkerLaunch, identity: WorkerIdentity, pipeWriteEnd: CInt, logger: Logger) async -> WorkerExit {
        var environment: [Environment.Key: String] = [:]
        for (key, value) in launch.environment(connection: connection.environment) {
            environment[Environment.Key(stringLiteral: key)] = value
        }
        connection.admit(only: identity)
        var options = PlatformOptions()
        options.processGroupID = 0
        var limits = launch.limits
        if case .inherited = identity {
            // The process count is per user: without a user of its own, a limit would count the invoker's processes.
            limits.processes = nil
        }
        let output = FileDescriptor(rawValue: pipeWriteEnd)
        // The native transport's socket, or nothing to read.
        let input = FileDescriptor(rawValue: connection.workerDescriptor ?? open("/dev/null", O_RDONLY | O_CLOEXEC))
        let exit: WorkerExit
        do {
            guard input.rawValue >= 0 else { throw SubprocessError.UnderlyingError(rawValue: errno) }
            let (limited, limitedArguments) = try limits.wrapping(launch.executable, launch.arguments)
            let (executable, arguments) = try identity.wrapping(limited, limitedArguments)
            let result = try await Subprocess.run(
                .path(FilePath(executable)),
                arguments: Arguments(arguments),
                environment: .custom(environment),
                workingDirectory: FilePath(launch.workingDirectory),
                platformOptions: options,
                input: .fileDescriptor(input, closeAfterSpawningProcess: true),
                output: .fileDescriptor(output, closeAfterSpawningProcess: false),
                error: .fileDescriptor(output, closeAfterSpawningProcess: false)
            ) { execution in
                POSIX.close(pipeWriteEnd)
                let readies = self.state.withLock { state in
                    state.pid = execution.processIdentifier.value
                    defer { state.readiesBeforePID = 0 }
                    return state.readiesBeforePID
                }
                for _ in 0..<readies { self.onEvent(self, .ready) }
                await self.superviseUntilExit()
            }
            switch result.terminationStatus {
            case .exited(let code): exit = .exited(code)
            case .signaled(let signal): exit = .signaled(signal)
            }
        } catch {
            POSIX.close(pipeWriteEnd)
            logger.error(
                "Could not start worker",
                metadata: [LogKey.error: "\(error)", LogKey.executable: "\(launch.executable)"]
            )
            let code = (error as? SubprocessError)?.underlyingError?.rawValue ?? (error as? Errno)?.rawValue
            exit = .spawnFailed(errno: code)
        }
        state.withLock { $0.exited = true }
        outputChannel.close(promise: nil)
        connection.close(exit: exit)
        return exit
    }

    /// Waits until the worker's output closes (it exited) or a stop is requested (then SIGTERM, and SIGKILL after
    /// the grace period); finally kills whatever is left of the process group.
    private func superviseUntilExit() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.output.waitUntilClosed() }
            group.addTask {
                for await _ in self.stopSignal.stream {}
                guard !Task.isCancelled else { return }
                self.signalGroup(SIGTERM)
                try? await Task.sleep(for: Self.stopGracePeriod)
            }
            await group.next()
            group.cancelAll()
        }
        signalGroup(SIGKILL)
    }

    /// Why the invoker ended the worker, if it did.
    var killReason: KillReason? { state.withLock { $0.killReason } }

    /// Samples the worker's memory (for the pool's watch on busy workers, every tick): returns its resident memory
    /// in KiB, and keeps its peak for ``peakMemoryKB()``.
    func sampleMemory() -> Int? {
        guard let pid, let memory = ProcessStatus.memoryKB(pid: pid) else { return nil }
        state.withLock { $0.peakMemoryKB = memory.peak }
        return memory.resident
    }

    /// The worker's peak resident memory in KiB, as the last sample saw it (read now if none was taken yet): records
    /// take it from there instead of reading `/proc` for every invocation.
    func peakMemoryKB() -> Int? {
        if let sampled = state.withLock({ $0.peakMemoryKB }) { return sampled }
        guard let peak = pid.flatMap(ProcessStatus.peakResidentKB(pid:)) else { return nil }
        state.withLock { $0.peakMemoryKB = max($0.peakMemoryKB ?? 0, peak) }
        return peak
    }

    /// Asks the worker to exit: SIGTERM to its group, SIGKILL after ``stopGracePeriod``.
    func stop() {
        state.withLock { $0.killReason = $0.killReason ?? .stopped }
        stopSignal.continuation.finish()
    }

    /// Kills the worker's whole process group at once, for `reason`.
    func kill(_ reason: KillReason) {
        state.withLock { $0.killReason = $0.killReason ?? reason }
        signalGroup(SIGKILL)
    }

    private func signalGroup(_ signal: Int32) {
        state.withLock { state in
            guard let pid = state.pid, !state.exited else { return }
            POSIX.kill(-pid, signal)
        }
    }
}

/// Lets the connection's event callback reach the worker created after it.
private final class WorkerBox: Sendable {
    private let lock = Mutex<Worker?>(nil)
    var worker: Worker? {
        get { lock.withLock { $0 } }
        set { lock.withLock { $0 = newValue } }
    }
}

extension Worker {
    /// How an invocation of `function` failed whose worker ended with `exit` under it: killed on purpose for its
    /// memory or its timeout, or a crash.
    func failure(exit: WorkerExit, invocationID: String, function: FunctionDefinition) -> InvocationFailure {
        switch killReason {
        case .memory(let usedKB): .outOfMemory(usedKB: usedKB, limitMB: function.memoryMB, invocationID: invocationID)
        case .timeout: .timedOut(after: function.timeout, invocationID: invocationID)
        case .stopped, nil: .crashed(exit, invocationID: invocationID)
        }
    }
}
