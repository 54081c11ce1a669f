import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing

@testable import Invoker

/// Workers that run several invocations at once (the manifest's `concurrency`), end to end with real worker
/// processes over both transports.
@Suite("Many invocations per worker, end to end", .serialized, .everyTransport)
struct ConcurrencyTests {
    /// Sends `count` requests to the `hold` fixture at once, each with `body`, and returns their statuses.
    static func hold(
        _ client: some TestClientProtocol,
        count: Int,
        body: @escaping @Sendable (Int) -> String
    ) async throws -> [HTTPResponse.Status] {
        try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await client.executeConcurrently(
                        uri: "/function/hold",
                        method: .post,
                        body: ByteBuffer(string: body(index))
                    ).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("a worker learns its concurrency from AWS_LAMBDA_MAX_CONCURRENCY, as on Lambda")
    func variable() async throws {
        let environment = try TestEnvironment(functions: [
            "env": TestEnvironment.fixture("env", ["concurrency": 3])
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let response = try await client.execute(uri: "/function/env", method: .get)
            let variables = try JSONDecoder().decode([String: String].self, from: response.body)
            #expect(variables["AWS_LAMBDA_MAX_CONCURRENCY"] == "3")
        }
    }

    @Test("one worker with concurrency 8 runs 8 invocations at the same time; each record keeps its own lines")
    func oneWorkerRunsEight() async throws {
        let environment = try TestEnvironment(functions: [
            "hold": TestEnvironment.fixture("hold", ["concurrency": 8, "scaling": ["max": 1]])
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let statuses = try await Self.hold(client, count: 8) { _ in #"{"ms":1500}"# }
            #expect(statuses == Array(repeating: .ok, count: 8))
        }
        let records = try await environment.waitForRecords(count: 8)
        #expect(records.count == 8 && records.allSatisfy { $0.status == .success })
        #expect(Set(records.compactMap(\.workerPid)).count == 1, "one worker ran them all")
        // They ran at the same time: every one started before any ended.
        let lastStart = try #require(records.map(\.startedAt).max())
        let firstEnd = try #require(records.map(\.endedAt).min())
        #expect(lastStart < firstEnd)
        for record in records {
            let log = try #require(record.log)
            #expect(log.contains(record.id) && log.contains("holding for 1500 ms"), "\(log)")
            #expect(!records.contains { $0.id != record.id && log.contains($0.id) }, "another's line: \(log)")
            #expect(!log.contains("names no invocation"), "the worker's own lines are not an invocation's")
        }
    }

    @Test("a worker killed under 4 invocations fails each of them with its own record; the next request works")
    func crashFailsEveryInvocationInFlight() async throws {
        let environment = try TestEnvironment(functions: [
            "hold": TestEnvironment.fixture("hold", ["concurrency": 4, "scaling": ["max": 1]])
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let statuses = try await Self.hold(client, count: 4) { index in
                index == 0 ? #"{"ms":300,"crash":true}"# : #"{"ms":5000}"#
            }
            #expect(statuses == Array(repeating: .badGateway, count: 4))
            let again = try await client.executeConcurrently(
                uri: "/function/hold",
                method: .post,
                body: ByteBuffer(string: #"{"ms":1}"#)
            )
            #expect(again.status == .ok)
        }
        let records = try await environment.waitForRecords(count: 5)
        let failed = records.filter { $0.status != .success }
        #expect(failed.count == 4)
        #expect(Set(failed.map(\.id)).count == 4)
        #expect(failed.allSatisfy { $0.errorMessage?.contains("signal 9") == true }, "\(failed.map(\.errorMessage))")
    }

    @Test("an invocation past its timeout kills its worker: the invocations beside it fail as timed out too")
    func timeoutFailsTheOthers() async throws {
        let environment = try TestEnvironment(functions: [
            "hold": TestEnvironment.fixture("hold", ["concurrency": 2, "timeout": 1, "scaling": ["max": 1]])
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let statuses = try await Self.hold(client, count: 2) { _ in #"{"ms":5000}"# }
            #expect(statuses.count == 2 && statuses.allSatisfy { $0 == .gatewayTimeout }, "\(statuses)")
        }
        let records = try await environment.waitForRecords(count: 2)
        #expect(records.count == 2 && records.allSatisfy { $0.status == .timeout }, "\(records.map(\.status))")
    }
}
