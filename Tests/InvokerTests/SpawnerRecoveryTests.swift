import Foundation
import Subprocess
import Testing

@testable import Invoker

/// A real `invoker serve` whose spawner, or itself, is killed with SIGKILL.
@Suite("Spawner recovery", .serialized)
struct SpawnerRecoveryTests {
    static var functions: [String: Any] {
        ["sleep": TestEnvironment.fixture("sleep", ["http": [["path": "/sleep", "methods": ["POST"]]]])]
    }

    /// Invokes `sleep` on the invoker at `url`; returns the status.
    static func invoke(_ url: String) async throws -> Int? {
        let port = try #require(url.split(separator: ":").last.flatMap { Int($0) })
        let socket = try await RawSocket(port: port)
        try await socket.send("POST /sleep HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n{\"ms\":1}")
        let status = try await socket.receive()?.status
        await socket.close()
        return status
    }

    @Test("a spawner killed with SIGKILL is noticed and logged, its workers are killed, and the next one serves")
    func spawnerKilled() async throws {
        let environment = try TestEnvironment(functions: Self.functions)
        defer { environment.remove() }
        let errors = ProcessOutput()
        let (_, status) = try await environment.serveProcess(errors: errors) { url, signal in
            #expect(try await Self.invoke(url) == 200)
            let invoker = try #require(ProcessTable.invoker(manifest: environment.manifestPath))
            let spawner = try #require(ProcessTable.spawner(of: invoker.pid))
            let worker = try #require(try await environment.waitForRecords(count: 1).first?.workerPid)
            kill(spawner.pid, SIGKILL)
            #expect(await eventually { !ProcessTable.isRunning(worker) }, "the lost spawner's worker lives on")
            #expect(await eventually { (try? await Self.invoke(url)) == 200 })
            let restarted = try #require(ProcessTable.spawner(of: invoker.pid))
            #expect(restarted.pid != spawner.pid)
            #expect(await eventually { errors.text.contains("The spawner ended") }, "\(errors.text)")
            try signal(.terminate)
        }
        #expect(status == .exited(0))
    }

    @Test("an invoker killed with SIGKILL leaves no worker and no spawner behind")
    func invokerKilled() async throws {
        let environment = try TestEnvironment(functions: Self.functions)
        defer { environment.remove() }
        let (left, status) = try await environment.serveProcess { url, signal in
            #expect(try await Self.invoke(url) == 200)
            let invoker = try #require(ProcessTable.invoker(manifest: environment.manifestPath))
            let spawner = try #require(ProcessTable.spawner(of: invoker.pid))
            let worker = try #require(try await environment.waitForRecords(count: 1).first?.workerPid)
            #expect(ProcessTable.isRunning(worker))
            try signal(.kill)
            return [spawner.pid, worker]
        }
        #expect(status == .signaled(SIGKILL))
        #expect(await eventually { !left.contains(where: ProcessTable.isRunning) }, "still running: \(left)")
    }
}
