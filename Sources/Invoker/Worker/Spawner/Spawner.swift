import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The invoker's spawner, shared by every pool of the process: started with the first worker, and again with the
/// next worker after it died.
///
/// ```swift
/// let worker = try await Spawner.shared.spawn(request, input: socket, output: pipe, logger: logger)
/// let exit = await worker.exit()
/// ```
final class Spawner: Sendable {
    /// The process's spawner.
    static let shared = Spawner(executable: executable)

    /// The executable run as the spawner: the running invoker itself (through `/proc/self/exe`, so a binary replaced
    /// on disk since does not answer in its stead), or, in the test bundle (which links the invoker's code but has no
    /// `spawner` command), the `invoker` built beside it.
    static var executable: String {
        let running = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        guard running.pathExtension == "xctest" else { return "/proc/self/exe" }
        return running.deletingLastPathComponent().appendingPathComponent("invoker").path
    }

    /// A started worker process: its id, and its end to wait for.
    struct Process: Sendable {
        /// The worker's process id, which is also its process group's.
        let pid: pid_t
        private let connection: SpawnerConnection

        fileprivate init(pid: pid_t, connection: SpawnerConnection) {
            self.pid = pid
            self.connection = connection
        }

        /// Waits until the process ends (the spawner reaped it, or died and it was killed).
        func exit() async -> WorkerExit {
            await connection.exit(of: pid)
        }
    }

    /// How long the spawner may take to answer a request before it counts as hung: it is killed, and the request
    /// goes to a new one.
    let replyTimeout: Duration
    private let executablePath: String
    private let current = Mutex<SpawnerConnection?>(nil)

    init(executable: String, replyTimeout: Duration = .seconds(10)) {
        self.executablePath = executable
        self.replyTimeout = replyTimeout
    }

    /// The running spawner's process id, if one runs.
    var pid: pid_t? { current.withLock { $0.flatMap { $0.isLost ? nil : $0.pid } } }

    /// Starts `request`'s worker with `input` as its standard input and `output` as its standard output and error
    /// (both stay the caller's to close); a spawner that turns out dead or hung is replaced once. `logger` hears of a
    /// spawner started or lost on the way.
    func spawn(_ request: SpawnRequest, input: CInt, output: CInt, logger: Logger) async throws -> Process {
        var attempt = 0
        while true {
            attempt += 1
            let connection = try connection(logger: logger)
            do {
                let pid = try await spawn(request, on: connection, input: input, output: output, logger: logger)
                return Process(pid: pid, connection: connection)
            } catch let failure as SpawnFailure where failure.spawnerLost && attempt == 1 {
                logger.notice("The spawner was lost; starting another", metadata: [LogKey.error: "\(failure)"])
                current.withLock { if $0 === connection { $0 = nil } }
            }
        }
    }

    /// Sends `request` to `connection`'s spawner; one that does not answer within ``replyTimeout`` is killed, which
    /// fails the request as the spawner's loss.
    private func spawn(
        _ request: SpawnRequest,
        on connection: SpawnerConnection,
        input: CInt,
        output: CInt,
        logger: Logger
    ) async throws -> pid_t {
        try await withThrowingTaskGroup(of: pid_t?.self) { group in
            group.addTask { try await connection.spawn(request, input: input, output: output) }
            group.addTask {
                try? await Task.sleep(for: self.replyTimeout)
                guard !Task.isCancelled, !connection.isLost else { return nil }
                logger.error(
                    "The spawner did not answer in time; killing it",
                    metadata: [LogKey.spawner: "\(connection.pid)", LogKey.spawnerTimeout: "\(self.replyTimeout)"]
                )
                POSIX.kill(connection.pid, SIGKILL)
                return nil
            }
            defer { group.cancelAll() }
            // The spawn always ends: answered, or failed when the reader sees the killed spawner's socket close.
            while let result = try await group.next() {
                if let pid = result { return pid }
            }
            preconditionFailure("the spawn request's task ended without a result or an error")
        }
    }

    /// The running spawner, started first when there is none or it died.
    private func connection(logger: Logger) throws(SpawnFailure) -> SpawnerConnection {
        try current.withLock { (current) throws(SpawnFailure) -> SpawnerConnection in
            if let running = current, !running.isLost { return running }
            let started = try SpawnerConnection.start(executable: executablePath, logger: logger)
            logger.info("Started the spawner", metadata: [LogKey.spawner: "\(started.pid)"])
            current = started
            return started
        }
    }
}
