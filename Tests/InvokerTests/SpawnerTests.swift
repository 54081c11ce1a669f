import Dispatch
import Foundation
import Logging
import Synchronization
import Testing

@testable import Invoker

#if canImport(Glibc)
import Glibc
#endif

/// The spawner process on its own: its messages, what it refuses, what its workers inherit, and its end.
@Suite("Spawner")
struct SpawnerTests {
    static let limits = WorkerLimits(openFiles: 100, cpuSeconds: 30, processes: nil)

    static func request(_ executable: String, _ arguments: [String] = [], userID: uid_t? = nil) -> SpawnRequest {
        SpawnRequest(
            id: 7,
            executable: executable,
            arguments: arguments,
            environment: ["PATH=/usr/bin:/bin"],
            workingDirectory: "/",
            userID: userID,
            limits: limits
        )
    }

    @Test("requests and replies survive their encoding; cut or padded messages are refused")
    func encoding() throws {
        var request = Self.request("/bin/echo", ["a", "ü"], userID: 2_000_000_003)
        request.limits.processes = 64
        #expect(try SpawnRequest(decoding: request.encoded[...]) == request)
        #expect(throws: SpawnerWire.Malformed.self) { try SpawnRequest(decoding: request.encoded.dropLast()) }
        #expect(throws: SpawnerWire.Malformed.self) { try SpawnRequest(decoding: (request.encoded + [0])[...]) }
        #expect(throws: SpawnerWire.Malformed.self) {
            try SpawnRequest(decoding: Self.request("bin/echo").encoded[...])
        }
        let replies: [SpawnReply] = [
            .spawned(id: 1, pid: 42), .failed(id: 2, step: .setuid, errno: EPERM), .rejected(id: 0, reason: "no"),
            .ended(pid: 42, exit: .exited(3)), .ended(pid: 43, exit: .signaled(SIGKILL)),
        ]
        for reply in replies { #expect(try SpawnReply(decoding: reply.encoded[...]) == reply) }
    }

    @Test("a malformed frame is refused and the spawner carries on; it has one thread and its workers lack its socket")
    func malformedFrames() async throws {
        let spawner = try RawSpawner()
        defer { spawner.close() }
        #expect(
            try spawner.ask(Array("garbage".utf8)) == .rejected(id: 0, reason: "the message ends inside an integer")
        )
        var huge = Self.request("/bin/true").encoded
        huge.replaceSubrange(8..<16, with: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])
        guard case .rejected(7, let reason) = try spawner.ask(huge) else { throw Failure("a huge string was accepted") }
        #expect(reason.contains("length"))
        guard case .rejected(7, _) = try spawner.ask(Self.request("/bin/true").encoded, descriptors: []) else {
            throw Failure("a request without descriptors was accepted")
        }
        let missing = try spawner.ask(Self.request("/nonexistent/worker").encoded, descriptors: spawner.nullDescriptors)
        #expect(missing == .failed(id: 7, step: .execve, errno: ENOENT))

        let sleeper = try spawner.ask(Self.request("/bin/sleep", ["30"]).encoded, descriptors: spawner.nullDescriptors)
        guard case .spawned(7, let pid) = sleeper else { throw Failure("no worker: \(sleeper)") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/proc/\(spawner.pid)/task").count == 1)
        let socket = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(spawner.pid)/fd/3")
        let inherited = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").map {
            try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")
        }
        #expect(inherited.count == 3, "\(inherited)")
        #expect(!inherited.contains(socket))
        #expect(try Self.limitsLines(pid).contains { $0.hasPrefix("Max open files") && $0.contains(" 100 ") })

        // The invoker's end closes: the spawner kills its worker and exits.
        spawner.close()
        #expect(await eventually { !ProcessTable.isRunning(pid) && !ProcessTable.isRunning(spawner.pid) })
    }

    @Test(
        "isolated workers start while the invoker keeps creating threads (the glibc setxid hang stays fixed)",
        .enabled(if: WorkerIdentity.canIsolate, "isolating workers needs root"),
        .timeLimit(.minutes(1))
    )
    func concurrentIsolatedSpawns() async throws {
        let logger = Logger(label: "spawner-test")
        // A spawner of its own: a hundred spawns on the shared one would hold up the workers of the tests beside it.
        let spawner = Spawner(executable: Spawner.executable)
        // Threads that keep creating threads, as the invoker's event loops and task pool may at any moment.
        let churning = Atomic(true)
        let churners = (0..<4).map { _ in
            Thread {
                while churning.load(ordering: .relaxed) {
                    let done = DispatchSemaphore(value: 0)
                    Thread { done.signal() }.start()
                    done.wait()
                }
            }
        }
        for churner in churners { churner.start() }
        defer { churning.store(false, ordering: .relaxed) }
        let exits = try await withThrowingTaskGroup(of: WorkerExit.self) { spawns in
            for slot in 0..<100 {
                spawns.addTask {
                    let null = open("/dev/null", O_RDWR | O_CLOEXEC)
                    defer { close(null) }
                    let request = Self.request("/bin/true", userID: WorkerIdentity.base + uid_t(slot))
                    let process = try await spawner.spawn(request, input: null, output: null, logger: logger)
                    return await process.exit()
                }
            }
            return try await spawns.reduce(into: []) { $0.append($1) }
        }
        #expect(exits == Array(repeating: .exited(0), count: 100))
    }

    @Test("a spawner that stops answering is killed and replaced, and the spawn succeeds on the new one")
    func hungSpawner() async throws {
        let spawner = Spawner(executable: Spawner.executable, replyTimeout: .seconds(3))
        let logger = Logger(label: "spawner-test")
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let first = try await spawner.spawn(Self.request("/bin/true"), input: null, output: null, logger: logger)
        #expect(await first.exit() == .exited(0))
        let hung = try #require(spawner.pid)
        kill(hung, SIGSTOP)
        let second = try await spawner.spawn(Self.request("/bin/true"), input: null, output: null, logger: logger)
        #expect(await second.exit() == .exited(0))
        #expect(spawner.pid != hung)
        #expect(await eventually { !ProcessTable.isRunning(hung) })
    }

    static func limitsLines(_ pid: pid_t) throws -> [String] {
        try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8).split(separator: "\n").map(String.init)
    }
}

/// A spawner started by the test, spoken to over its raw socket.
private final class RawSpawner: Sendable {
    let pid: pid_t
    let socket: SpawnerSocket
    let nullDescriptors: [CInt]
    private let closed = Atomic(false)

    init() throws {
        (pid, socket) = try SpawnerConnection.launch(executable: Spawner.executable)
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        nullDescriptors = [null, null]
    }

    /// Sends `bytes` with `descriptors` and returns the reply.
    func ask(_ bytes: [UInt8], descriptors: [CInt] = []) throws -> SpawnReply {
        #expect(socket.send(bytes, descriptors: descriptors) == 0)
        let message = try #require(socket.receive(capacity: 1 << 16))
        return try SpawnReply(decoding: message.bytes[...])
    }

    func close() {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        socket.close()
        Glibc.close(nullDescriptors[0])
        var status: CInt = 0
        waitpid(pid, &status, 0)
    }
}

/// A test's own failure, with what went wrong.
private struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
