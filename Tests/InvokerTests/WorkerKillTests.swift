import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing

@testable import Invoker

/// Workers killed from outside (`kill -9`, the OOM killer) while they run an invocation (where a reset socket used to
/// be reported as a function error), over both transports.
@Suite("Killed workers, end to end", .serialized, .everyTransport)
struct WorkerKillTests {
    @Test("a worker killed with SIGKILL during an invocation is recorded as a crash naming signal 9, every time")
    func killedDuringInvocation() async throws {
        let environment = try TestEnvironment(functions: [
            "sleep": TestEnvironment.fixture("sleep", ["scaling": ["max": 1], "timeout": 60])
        ])
        defer { environment.remove() }
        let rounds = 20
        try await environment.withInvoker { client in
            for round in 0..<rounds {
                let warm = try await client.execute(
                    uri: "/function/sleep",
                    method: .post,
                    body: ByteBuffer(string: #"{"ms":1}"#)
                )
                #expect(warm.status == .ok)
                // The worker that served the warm call, once it is the only one (a killed worker of the round
                // before may still be listed for a moment, and killing that one would leave this call running) and
                // it asks for work again (a Runtime API worker asks after answering: a call before that would wait
                // for a worker, and get a new one once this one is killed).
                var workers: [pid_t] = []
                let alone = try await eventually {
                    workers = Self.workers(of: environment)
                    guard workers.count == 1 else { return false }
                    return try await Self.status(client).workers.idle == 1
                }
                #expect(alone, "round \(round): workers \(workers)")
                let pid = try #require(workers.first, "round \(round): no worker")
                // Every other round the worker is stopped first, so the invocation is still unread in its socket
                // when it dies (the kernel then resets the connection); otherwise it dies in the middle of its sleep.
                let stopFirst = round % 2 == 0
                if stopFirst { kill(pid, SIGSTOP) }
                try await withThrowingTaskGroup(of: TestClient.Response.self) { group in
                    group.addTask {
                        try await client.executeConcurrently(
                            uri: "/function/sleep",
                            method: .post,
                            body: ByteBuffer(string: #"{"ms":30000}"#)
                        )
                    }
                    // The call is the worker's: handed to it, not waiting for a worker.
                    #expect(
                        try await eventually {
                            let status = try await Self.status(client)
                            return status.workers.busy == 1 && status.waiting == 0
                        }
                    )
                    kill(pid, SIGKILL)
                    let response = try #require(try await group.next())
                    #expect(response.status == .badGateway, "round \(round)")
                    #expect(
                        String(buffer: response.body ?? ByteBuffer()).contains("signal 9 (SIGKILL)"),
                        "round \(round), stopped first: \(stopFirst): \(String(buffer: response.body ?? ByteBuffer()))"
                    )
                }
            }
        }
        let crashes = try await environment.records().filter { $0.status != .success }
        #expect(crashes.count == rounds)
        let signal9 = crashes.filter { $0.status == .crash && $0.errorMessage?.contains("signal 9") == true }
        #expect(
            signal9.count == rounds,
            "\(crashes.map { "\($0.status): \($0.errorType ?? "") \($0.errorMessage ?? "")" })"
        )
    }

    /// The live worker processes of `environment`'s invoker, running in this process: children of this process whose
    /// `LAMBDA_TASK_ROOT` is the environment's folder.
    private static func workers(of environment: TestEnvironment) -> [pid_t] {
        let root = "LAMBDA_TASK_ROOT=" + environment.directory.standardizedFileURL.path
        return ProcessTable.all().filter { $0.parent == getpid() && $0.state != "Z" }.map(\.pid).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return data.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == root }
        }
    }

    /// The function's status in `/system/functions`.
    private static func status(_ client: some TestClientProtocol) async throws -> SystemRoutes.FunctionStatus {
        let response = try await client.execute(
            uri: "/system/functions",
            method: .get,
            headers: TestEnvironment.adminHeaders
        )
        let statuses = try JSONDecoder().decode([SystemRoutes.FunctionStatus].self, from: response.body)
        return try #require(statuses.first)
    }
}
