import Foundation
import NIOCore
import Subprocess
import Testing

@testable import Invoker

#if canImport(Glibc)
import Glibc
#endif

/// The real `invoker serve` with few descriptors: running out must be survivable.
@Suite("Running out of descriptors", .serialized)
struct DescriptorExhaustionTests {
    @Test("Out of descriptors, the invoker serves its connections, accepts again once some are freed, and counts it")
    func survivesExhaustion() async throws {
        // Workers may not have more descriptors than the invoker's hard limit.
        let environment = try TestEnvironment(functions: [
            "echo": TestEnvironment.fixture(
                "event",
                ["http": [["path": "/echo", "methods": ["POST"]]], "limits": ["openFiles": 64]]
            )
        ])
        defer { environment.remove() }
        let (_, status) = try await environment.serveProcess(openFiles: 128) { url, signal in
            let port = try #require(url.split(separator: ":").last.flatMap { Int($0) })
            let adminKey = try String(contentsOfFile: environment.stateDirectory + "/admin.key", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let first = try await RawSocket(port: port)
            try await first.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await first.receive()?.status == 200)
            // More connections than descriptors left: the kernel completes them, the invoker cannot accept them all.
            var idle: [RawSocket] = []
            for _ in 0..<160 { idle.append(try await RawSocket(port: port)) }
            try await first.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await first.receive()?.status == 200, "an existing connection is no longer served")
            let waiting = try await RawSocket(port: port)
            try await waiting.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            for socket in idle { await socket.close() }
            #expect(try await waiting.receive(timeout: .seconds(15))?.status == 200, "not accepting again")
            try await first.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
            let echo = try await first.receive(timeout: .seconds(15))
            #expect(echo?.status == 200, "\(String(describing: echo))")
            try await first.send(
                "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(adminKey)\r\n\r\n"
            )
            let metrics = try #require(try await first.receive())
            #expect(metrics.body.contains("invoker_connection_limit_reached"), "\(metrics.body)")
            await waiting.close()
            await first.close()
            try signal(.terminate)
        }
        #expect(status == .exited(0))
    }

    @Test("The soft open-files limit is raised to the hard limit")
    func softLimitIsRaised() {
        var lowered = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &lowered)
        lowered.rlim_cur = min(lowered.rlim_max, 4096)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &lowered)
        DescriptorLimit.raiseToHard()
        let limit = DescriptorLimit.current
        #expect(limit.soft == limit.hard)
    }
}

extension DescriptorExhaustionTests {
    @Test("A worker that cannot be spawned for lack of descriptors is reported as such, not as exit status 127")
    func spawnFailureSaysOutOfDescriptors() {
        #expect(WorkerExit.spawnFailed(errno: EMFILE).description.contains("out of file descriptors"))
        #expect(WorkerExit.spawnFailed(errno: ENOENT) == .exited(127))
    }
}
