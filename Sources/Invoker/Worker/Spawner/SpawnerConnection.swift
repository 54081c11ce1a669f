import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One running spawner process and the invoker's end of its socket: sends spawn requests, and a thread of its own
/// reads the replies and the workers' exits. When the spawner dies, every spawn waiting on it fails, and every worker
/// it started is killed with its group (nothing else could reap it or report its end) and counts as killed.
final class SpawnerConnection: Sendable {
    /// The spawner's process id.
    let pid: pid_t

    private enum Exit {
        /// The worker runs; the continuation waits for its end.
        case running(CheckedContinuation<WorkerExit, Never>?)
        /// The worker ended before anyone asked.
        case ended(WorkerExit)
    }

    private struct State {
        var nextID: UInt64 = 1
        var lost = false
        var spawns: [UInt64: CheckedContinuation<pid_t, any Error>] = [:]
        var exits: [pid_t: Exit] = [:]
    }

    private let socket: SpawnerSocket
    private let state = Mutex(State())
    private let logger: Logger

    /// Starts `executable` as a spawner; `logger` hears of the spawner's end.
    static func start(executable: String, logger: Logger) throws(SpawnFailure) -> SpawnerConnection {
        let (pid, socket) = try launch(executable: executable)
        let connection = SpawnerConnection(pid: pid, socket: socket, logger: logger)
        let reader = Thread { connection.readReplies() }
        reader.name = "invoker spawner replies"
        reader.start()
        return connection
    }

    /// Starts `executable spawner` in a process group of its own, with every signal at its default, its standard
    /// input `/dev/null` and its end of a fresh socket pair as descriptor 3; returns its pid and the invoker's end.
    static func launch(executable: String) throws(SpawnFailure) -> (pid: pid_t, socket: SpawnerSocket) {
        guard let (own, theirs) = SpawnerSocket.pair() else {
            throw .spawnerLost("no socket pair for the spawner", errno: errno)
        }
        defer { theirs.close() }
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, theirs.descriptor, SpawnerProcess.socketDescriptor)
        var everySignal = sigset_t()
        var noSignal = sigset_t()
        sigfillset(&everySignal)
        sigemptyset(&noSignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setsigmask(&attributes, &noSignal)
        posix_spawnattr_setpgroup(&attributes, 0)
        let flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let arguments = [strdup("invoker"), strdup(SpawnerCommand.name), nil]
        defer { for argument in arguments { free(argument) } }
        var environment: [UnsafeMutablePointer<CChar>?] = [nil]
        var pid: pid_t = 0
        let failure = posix_spawn(&pid, executable, &actions, &attributes, arguments, &environment)
        guard failure == 0 else {
            own.close()
            throw .spawnerLost("the spawner \(executable) could not be started", errno: failure)
        }
        return (pid, own)
    }

    private init(pid: pid_t, socket: SpawnerSocket, logger: Logger) {
        self.pid = pid
        self.socket = socket
        self.logger = logger
    }

    /// Whether the spawner is gone.
    var isLost: Bool { state.withLock { $0.lost } }

    /// Asks the spawner to start `request` with `input` and `output` (which stay the caller's), and returns the
    /// worker's process id once it runs the executable.
    func spawn(_ request: SpawnRequest, input: CInt, output: CInt) async throws -> pid_t {
        try await withCheckedThrowingContinuation { continuation in
            let id = state.withLock { state -> UInt64? in
                guard !state.lost else { return nil }
                defer { state.nextID += 1 }
                state.spawns[state.nextID] = continuation
                return state.nextID
            }
            guard let id else {
                return continuation.resume(throwing: SpawnFailure.spawnerLost("the spawner has ended"))
            }
            var request = request
            request.id = id
            let failure = socket.send(request.encoded, descriptors: [input, output], wait: false)
            guard failure != 0, let waiting = state.withLock({ $0.spawns.removeValue(forKey: id) }) else { return }
            let reason = "sending the request to the spawner failed: \(String(cString: strerror(failure)))"
            // A closed socket is a dead spawner; a full one (EAGAIN) or a request too large (EMSGSIZE) is this
            // request's failure.
            if failure == EPIPE || failure == ECONNRESET {
                waiting.resume(throwing: SpawnFailure.spawnerLost(reason, errno: failure))
            } else {
                waiting.resume(throwing: SpawnFailure(errno: failure, description: reason))
            }
        }
    }

    /// Waits until worker `pid`, which this spawner started, ends.
    func exit(of pid: pid_t) async -> WorkerExit {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                switch state.exits[pid] {
                case .ended(let exit):
                    state.exits[pid] = nil
                    continuation.resume(returning: exit)
                case .running(nil):
                    state.exits[pid] = .running(continuation)
                case .running(.some), nil:
                    preconditionFailure("worker \(pid) is not one to wait for: \(String(describing: state.exits[pid]))")
                }
            }
        }
    }

    /// The reader thread: hands out every reply until the spawner's end closes, then fails what waits on it.
    private func readReplies() {
        while let message = socket.receive(capacity: 1 << 16) {
            do {
                deliver(try SpawnReply(decoding: message.bytes[...]))
            } catch {
                logger.error("The spawner sent a malformed reply", metadata: [LogKey.error: "\(error)"])
            }
        }
        let readError = errno
        var status: CInt = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let (spawns, workers) = state.withLock { state in
            state.lost = true
            defer { state.spawns = [:] }
            var workers: [pid_t] = []
            for (worker, exit) in state.exits {
                guard case .running(let waiting) = exit else { continue }
                workers.append(worker)
                POSIX.kill(-worker, SIGKILL)
                if let waiting {
                    state.exits[worker] = nil
                    waiting.resume(returning: .signaled(SIGKILL))
                } else {
                    state.exits[worker] = .ended(.signaled(SIGKILL))
                }
            }
            return (state.spawns, workers)
        }
        socket.close()
        let ended: WorkerExit = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
        logger.error(
            "The spawner ended; its workers were killed and a new spawner starts with the next worker",
            metadata: [
                LogKey.exit: "\(ended)", LogKey.spawner: "\(pid)", LogKey.spawnerWorkers: "\(workers.count)",
                LogKey.error: "\(readError == 0 ? "end of stream" : String(cString: strerror(readError)))",
            ]
        )
        for continuation in spawns.values {
            continuation.resume(throwing: SpawnFailure.spawnerLost("the spawner ended (\(ended))"))
        }
    }

    private func deliver(_ reply: SpawnReply) {
        switch reply {
        case .spawned(let id, let pid):
            let continuation = state.withLock { state in
                state.exits[pid] = .running(nil)
                return state.spawns.removeValue(forKey: id)
            }
            continuation?.resume(returning: pid)
        case .failed(let id, let step, let errno):
            state.withLock { $0.spawns.removeValue(forKey: id) }?.resume(
                throwing: SpawnFailure.step(step, errno: errno)
            )
        case .rejected(let id, let reason):
            let continuation = state.withLock { $0.spawns.removeValue(forKey: id) }
            guard let continuation else {
                return logger.error("The spawner rejected a request", metadata: [LogKey.error: "\(reason)"])
            }
            continuation.resume(throwing: SpawnFailure(errno: EINVAL, description: "the spawner refused: \(reason)"))
        case .ended(let pid, let exit):
            state.withLock { state in
                switch state.exits[pid] {
                case .running(let waiting?):
                    state.exits[pid] = nil
                    waiting.resume(returning: exit)
                case .running(nil):
                    state.exits[pid] = .ended(exit)
                case .ended, nil:
                    logger.error(
                        "The spawner reported the end of a worker it did not start",
                        metadata: [LogKey.workerPID: "\(pid)"]
                    )
                }
            }
        }
    }
}
