import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Subprocess
import Synchronization
import Testing

@testable import Invoker

/// The bodies the invoker answered `202`.
final class Acknowledged: Sendable {
    let bodies = Mutex<Set<String>>([])
}

/// The queue's delivery guarantee against the worst: the real `invoker` process killed with SIGKILL mid-stream.
@Suite("Queue crash safety, as a process")
struct QueueCrashTests {
    static let messages = 5_000

    @Test("kill -9 mid-stream, restart on the same databases: every one of 5,000 messages is processed")
    func killAndRestart() async throws {
        let environment = try TestEnvironment(functions: [:])
        defer { environment.remove() }
        let records = try environment.recordFile()
        try environment.writeManifest([
            "rec": TestEnvironment.recorder(
                queue: "jobs",
                recordFile: records,
                trigger: ["batchSize": 10, "visibilityTimeout": 2, "maxRetries": 10],
                settings: ["timeout": 1, "scaling": ["max": 4]],
                environment: ["SLEEP_MS": "20"]
            )
        ])
        let bodies = (0..<Self.messages).map { "message-\($0)" }
        let acknowledged = Acknowledged()

        // First run: send everything, and kill the invoker once a good part is processed.
        let killed = try await environment.serveProcess { url, signal in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await Self.send(bodies, to: url, acknowledged: acknowledged) }
                // A deadline, not a pace: a slow machine with the rest of the suite beside it needs more than a minute.
                #expect(
                    await eventually(timeout: .seconds(180)) { RecordedMessage.read(records).count >= 1_500 }
                )
                try signal(.kill)
                try await group.waitForAll()
            }
        }.status
        #expect(killed == .signaled(SIGKILL))
        let acknowledgedBeforeKill = acknowledged.bodies.withLock { $0 }
        let processedBeforeKill = Set(RecordedMessage.read(records).map(\.body))
        #expect(processedBeforeKill.count < Self.messages, "the kill should come before everything is processed")

        // Second run: the producer sends again what was not acknowledged; everything gets processed.
        let stopped = try await environment.serveProcess { url, signal in
            let unacknowledged = bodies.filter { !acknowledgedBeforeKill.contains($0) }
            await Self.send(unacknowledged, to: url, acknowledged: acknowledged)
            #expect(acknowledged.bodies.withLock { $0.count } == Self.messages)
            #expect(
                await eventually(timeout: .seconds(60)) {
                    Set(RecordedMessage.read(records).map(\.body)).count >= Self.messages
                }
            )
            try signal(.terminate)
        }.status
        #expect(stopped == .exited(0))

        let recorded = RecordedMessage.read(records)
        let processed = Set(recorded.map(\.body))
        #expect(processed == Set(bodies), "missing: \(Set(bodies).subtracting(processed).sorted().prefix(10))")
        #expect(processedBeforeKill.isSubset(of: processed))
        print(
            "queue crash test: \(Self.messages) messages, \(acknowledgedBeforeKill.count) acknowledged and"
                + " \(processedBeforeKill.count) processed before kill -9; after the restart all \(processed.count)"
                + " processed, \(recorded.count - processed.count) deliveries were repeats"
        )
        let queue = try await SQLiteQueueStore(path: environment.queueDatabasePath).statistics()
        #expect(queue.map { $0.depth + $0.inFlight + $0.delayed + $0.deadLetters } == [0])
    }

    @Test("SIGTERM with batches in flight: they finish and are acknowledged; the rest waits for the next start")
    func gracefulDrain() async throws {
        let environment = try TestEnvironment(functions: [:])
        defer { environment.remove() }
        let records = try environment.recordFile()
        try environment.writeManifest([
            "rec": TestEnvironment.recorder(
                queue: "jobs",
                recordFile: records,
                trigger: ["batchSize": 5, "visibilityTimeout": 2],
                settings: ["timeout": 2, "scaling": ["max": 2]],
                environment: ["SLEEP_MS": "500"]
            )
        ])
        let bodies = (0..<40).map { "message-\($0)" }
        let acknowledged = Acknowledged()
        let first = try await environment.serveProcess { url, signal in
            await Self.send(bodies, to: url, acknowledged: acknowledged)
            #expect(await eventually { !RecordedMessage.read(records).isEmpty })
            try signal(.terminate)
        }.status
        #expect(first == .exited(0))
        #expect(acknowledged.bodies.withLock { $0.count } == bodies.count)
        let started = RecordedMessage.read(records).count
        let queue = try await SQLiteQueueStore(path: environment.queueDatabasePath).statistics()
        #expect(queue.first?.inFlight == 0 && queue.first?.delayed == 0, "the batches in flight were acknowledged")
        #expect(queue.first?.depth == bodies.count - started)

        let second = try await environment.serveProcess { _, signal in
            #expect(await eventually(timeout: .seconds(30)) { RecordedMessage.read(records).count >= bodies.count })
            try signal(.terminate)
        }.status
        #expect(second == .exited(0))
        let recorded = RecordedMessage.read(records)
        #expect(recorded.map(\.body).sorted() == bodies.sorted(), "each message processed exactly once")
        #expect(recorded.allSatisfy { $0.receiveCount == 1 })
    }

    /// Posts `bodies` to the `jobs` queue over 8 connections until done or the invoker is gone; adds those answered
    /// `202` to `acknowledged`.
    static func send(_ bodies: [String], to url: String, acknowledged: Acknowledged) async {
        guard let port = URL(string: url)?.port else { return }
        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<8 {
                group.addTask {
                    let client = TestClient(host: "127.0.0.1", port: port)
                    client.connect()
                    for body in bodies.enumerated().filter({ $0.offset % 8 == sender }).map(\.element) {
                        let request = TestClient.Request("/queue/jobs", method: .post, body: ByteBuffer(string: body))
                        guard let response = try? await client.execute(request) else { break }
                        if response.status == .accepted { _ = acknowledged.bodies.withLock { $0.insert(body) } }
                    }
                    try? await client.shutdown()
                }
            }
        }
    }
}
