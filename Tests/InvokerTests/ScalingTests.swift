import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing

@testable import Invoker

/// Pools, scaling and isolation, end to end with real worker processes.
@Suite("Worker pools, end to end", .serialized, .everyTransport)
struct ScalingTests {
    @Test("50 concurrent requests to a cold function all succeed; the pool grows, then shrinks back after idleTimeout")
    func burstAndShrink() async throws {
        let environment = try TestEnvironment(functions: [
            // An idle timeout longer than the burst takes on a loaded machine: a worker retired in a gap of the burst
            // would be spawned again, and counted twice.
            "sleep": TestEnvironment.fixture("sleep", ["scaling": ["max": 10, "idleTimeout": 3]])
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await client.executeConcurrently(
                            uri: "/function/sleep",
                            method: .post,
                            body: ByteBuffer(string: #"{"ms":100}"#)
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: .ok, count: 50))
            let grown = try await Self.status(client)
            #expect(grown.spawned > 1 && grown.spawned <= 10, "spawned \(grown.spawned)")
            #expect(grown.coldStarts >= 1 && grown.throttles == 0)
            // After idleTimeout (3 s), the idle workers are retired one by one, down to min (0).
            #expect(
                try await eventually(timeout: .seconds(20)) {
                    let status = try await Self.status(client)
                    return status.workers.idle + status.workers.busy + status.workers.starting == 0
                }
            )
        }
        let records = try await environment.records()
        #expect(records.count == 50 && records.allSatisfy { $0.status == .success })
        #expect(Set(records.compactMap(\.workerPid)).count <= 10)
        #expect(records.contains { $0.cold && $0.initDurationMs != nil })
        #expect(records.contains { $0.waitMs > 50 }, "with at most 10 workers, some requests waited")
    }

    @Test("a function with min 2 has two warm workers before any request")
    func minimumWorkers() async throws {
        let environment = try TestEnvironment(functions: [
            "sleep": TestEnvironment.fixture("sleep", ["scaling": ["min": 2, "max": 4]])
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            #expect(try await eventually { try await Self.status(client).workers.idle == 2 })
            let response = try await client.execute(
                uri: "/function/sleep",
                method: .post,
                body: ByteBuffer(string: #"{"ms":1}"#)
            )
            #expect(response.status == .ok)
            #expect(try await Self.status(client).coldStarts == 0, "a warm worker served it")
        }
    }

    @Test("beyond max workers and the wait queue, callers get 429 with Retry-After, recorded as throttled")
    func throttling() async throws {
        let environment = try TestEnvironment(functions: [
            "sleep": TestEnvironment.fixture("sleep", ["scaling": ["max": 1, "maxQueue": 1]])
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            // With its one worker warm, one request runs, one waits, and the other two are turned away.
            let warm = try await client.execute(
                uri: "/function/sleep",
                method: .post,
                body: ByteBuffer(string: #"{"ms":1}"#)
            )
            #expect(warm.status == .ok)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await client.executeConcurrently(
                            uri: "/function/sleep",
                            method: .post,
                            body: ByteBuffer(string: #"{"ms":500}"#)
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 2)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 2)
        }
        let throttled = try await environment.records().filter { $0.status == .throttled }
        #expect(throttled.count == 2 && throttled.allSatisfy { $0.httpStatus == 429 })
    }

    @Test("a worker past its memory limit is killed, and the invocation says Runtime.OutOfMemory")
    func memoryLimit() async throws {
        let environment = try TestEnvironment(functions: [
            "allocate": TestEnvironment.fixture("allocate", ["memory": 64])
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let response = try await client.execute(
                uri: "/function/allocate",
                method: .post,
                body: ByteBuffer(string: #"{"mb":200,"holdMs":2000}"#)
            )
            #expect(response.status == .badGateway)
            let error = try JSONDecoder().decode(ErrorDocument.self, from: response.body)
            #expect(error.errorType == "Runtime.OutOfMemory")
            #expect(error.errorMessage.contains("limit of 64 MB"))
            let small = try await client.execute(
                uri: "/function/allocate",
                method: .post,
                body: ByteBuffer(string: #"{"mb":8}"#)
            )
            #expect(small.status == .ok)
        }
        let records = try await environment.records().sorted { $0.id < $1.id }
        #expect(records.first?.status == .error && records.first?.errorType == "Runtime.OutOfMemory")
        #expect(records.last?.status == .success)
    }

    @Test(
        "a fork bomb is contained by the process limit, and nothing it started outlives the invoker",
        .enabled(if: WorkerIdentity.canIsolate, "the process limit needs workers with user ids of their own (root)")
    )
    func forkBomb() async throws {
        let environment = try TestEnvironment(functions: [
            "forkbomb": TestEnvironment.fixture("forkbomb", ["limits": ["processes": 64]])
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let response = try await client.execute(
                uri: "/function/forkbomb",
                method: .post,
                body: ByteBuffer(string: #"{"processes":1000}"#)
            )
            #expect(response.status == .ok)
            let result = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            #expect(result?["refused"] as? Bool == true)
            #expect((result?["created"] as? Int ?? 1000) < 64)
        }
        let pid = try #require(try await environment.records().first?.workerPid)
        #expect(await eventually { ProcessTable.liveMembers(ofGroup: pid).isEmpty })
    }

    @Test("after a load test no worker, orphan or zombie child of the invoker remains")
    func noLeftovers() async throws {
        let environment = try TestEnvironment(functions: [
            "sleep": TestEnvironment.fixture("sleep", ["scaling": ["max": 6]]),
            "crash": TestEnvironment.fixture("crash"),
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        let (uri, body) =
                            index % 5 == 0
                            ? ("/function/crash", #"{"signal":"SIGKILL"}"#) : ("/function/sleep", #"{"ms":20}"#)
                        _ = try await client.executeConcurrently(
                            uri: uri,
                            method: .post,
                            body: ByteBuffer(string: body)
                        )
                    }
                }
                try await group.waitForAll()
            }
        }
        let pids = Set(try await environment.records().compactMap(\.workerPid))
        #expect(pids.count > 1)
        for pid in pids {
            #expect(ProcessTable.liveMembers(ofGroup: pid).isEmpty, "worker group \(pid) left processes behind")
        }
        // Only this test's workers: suites running beside it in this process have workers of their own.
        #expect(ProcessTable.zombieChildren(of: getpid()).filter { pids.contains($0.group) }.isEmpty)
    }

    private static func status(_ client: some TestClientProtocol) async throws -> SystemRoutes.FunctionStatus {
        let response = try await client.execute(
            uri: "/system/functions",
            method: .get,
            headers: TestEnvironment.adminHeaders
        )
        return try #require(try JSONDecoder().decode([SystemRoutes.FunctionStatus].self, from: response.body).first)
    }
}

/// Reads `/proc` to find what is left of worker processes.
enum ProcessTable {
    /// A process: its id, parent, process group and state letter.
    struct Entry {
        var pid: Int32
        var parent: Int32
        var group: Int32
        var state: Character
    }

    /// Every process of the machine.
    static func all() -> [Entry] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { Int32($0) } ?? []
        return pids.compactMap { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 3, let state = fields[0].first, let parent = Int32(fields[1]),
                let group = Int32(fields[2])
            else { return nil }
            return Entry(pid: pid, parent: parent, group: group, state: state)
        }
    }

    /// The processes of group `group` that are still running (not zombies).
    static func liveMembers(ofGroup group: Int32) -> [Entry] {
        all().filter { $0.group == group && $0.state != "Z" }
    }

    /// The zombie children of `parent`.
    static func zombieChildren(of parent: Int32) -> [Entry] {
        all().filter { $0.parent == parent && $0.state == "Z" }
    }
}

@Suite("Failing functions, end to end", .everyTransport)
struct FailingFunctionTests {
    @Test("a function whose workers keep failing to start is backed off: callers get a fast 503 with the last error")
    func circuitBreaker() async throws {
        let environment = try TestEnvironment(functions: ["ghost": TestEnvironment.fixture("no-such-handler")])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let first = try await client.execute(uri: "/function/ghost", method: .get)
            #expect(first.status == .badGateway)
            // Two failed starts in a row open the circuit for 100 ms: the next callers are turned away at once.
            var backedOff: (status: HTTPResponse.Status, body: String, retryAfter: String?)?
            for _ in 0..<5 where backedOff == nil {
                let response = try await client.execute(uri: "/function/ghost", method: .get)
                if response.status == .serviceUnavailable {
                    backedOff = (response.status, String(buffer: response.body), response.headers[.retryAfter])
                }
            }
            let rejection = try #require(backedOff)
            #expect(rejection.body.contains("FunctionFailing") && rejection.body.contains("Runtime.HandlerNotFound"))
            #expect(rejection.retryAfter != nil)
            let status = try await client.execute(
                uri: "/system/functions",
                method: .get,
                headers: TestEnvironment.adminHeaders
            )
            #expect(String(buffer: status.body).contains(#""spawned":"#))
        }
        let records = try await environment.records()
        #expect(records.contains { $0.httpStatus == 503 && $0.errorType == "FunctionFailing" })
    }
}
