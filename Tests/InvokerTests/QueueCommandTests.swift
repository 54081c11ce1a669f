import Foundation
import HummingbirdTesting
import Subprocess
import Testing

@testable import Invoker

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// `invoker queue` as a user runs it: the real binary against a queue database, and against a running invoker.
@Suite("invoker queue, as a process")
struct QueueCommandTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("queue-cli-\(UUID().uuidString)")
    var path: String { directory.appendingPathComponent("queue.sqlite").path }

    /// A database with `words` (consumed by `wordcount`) holding one dead letter, and `jobs` holding two messages.
    func prepare() async throws -> (store: SQLiteQueueStore, deadLetter: String) {
        let store = try SQLiteQueueStore(path: path)
        try await store.register([
            QueueDefinition(name: "words", function: "wordcount", kind: .queue),
            QueueDefinition(name: "jobs", function: "rec", kind: .queue),
        ])
        let policy = RetryPolicy(maxRetries: 0, visibilityTimeout: .seconds(30), retryDelay: .seconds(30))
        let id = try await store.enqueue([NewMessage(body: .text("   "))], to: "words")[0].messageId
        let leased = try await store.lease(from: "words", limit: 1, policy: policy)
        _ = try await store.fail([QueueFailure(receipt: leased[0].receipt, error: "no words")], policy: policy)
        _ = try await store.enqueue([NewMessage(body: .text("a")), NewMessage(body: .text("b"))], to: "jobs")
        return (store, id)
    }

    @Test("list, dlq, redrive and purge read and change the database; purge asks first")
    func administration() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let (store, id) = try await prepare()
        let database = ["--queue-db", path]

        let table = try await Self.invoker(["queue", "list"] + database).output.split(separator: "\n")
        #expect(table.first?.split(separator: " ", omittingEmptySubsequences: true).first == "QUEUE")
        #expect(
            table.dropFirst().map { $0.split(separator: " ").prefix(6).joined(separator: " ") } == [
                "jobs rec 2 0 0 0", "words wordcount 0 0 0 1",
            ]
        )
        let json = try await Self.invoker(["queue", "list", "--json"] + database).output
        let queues = try JSONDecoder().decode([QueueStatistics].self, from: Data(json.utf8))
        #expect(queues.map(\.name) == ["jobs", "words"] && queues[1].deadLetters == 1)

        let letters = try await Self.invoker(["queue", "dlq", "words"] + database).output
        #expect(letters.contains(id) && letters.contains("no words"))
        let line = try await Self.invoker(["queue", "dlq", "words", "--json"] + database).output
        let letter = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(letter?["id"] as? String == id && letter?["lastError"] as? String == "no words")
        #expect(letter?["receiveCount"] as? Int == 1 && letter?["body"] as? String == "   ")

        let unknown = try await Self.invoker(["queue", "dlq", "nope"] + database, succeeds: false)
        #expect(unknown.error.contains(#"no queue "nope""#) && unknown.error.contains("jobs, words"))
        let missing = try await Self.invoker(
            ["queue", "redrive", "words", "--id", "missing"] + database,
            succeeds: false
        )
        #expect(missing.error.contains(#"no message "missing" in the dead-letter queue of "words""#))
        let moved = try await Self.invoker(["queue", "redrive", "words", "--id", id] + database).output
        #expect(moved.contains("Moved 1 message from the dead-letter queue of words back to it."))
        #expect(try await store.statistics().first { $0.name == "words" }?.depth == 1)

        let refused = try await Self.invoker(["queue", "purge", "jobs"] + database, succeeds: false)
        #expect(refused.error.contains("refusing to purge queue jobs without confirmation"), "\(refused.error)")
        #expect(refused.error.contains("--yes"))
        #expect(try await store.statistics().first { $0.name == "jobs" }?.depth == 2)
        let purged = try await Self.invoker(["queue", "purge", "jobs", "--yes"] + database).output
        #expect(purged.contains("Deleted 2 messages from queue jobs."))
        #expect(try await store.statistics().first { $0.name == "jobs" }?.depth == 0)

        let noDatabase = try await Self.invoker(["queue", "list", "--queue-db", path + ".missing"], succeeds: false)
        #expect(noDatabase.error.contains("no queue database at"))
    }

    @Test("send posts to a running invoker and prints the message id; errors say why")
    func send() async throws {
        let environment = try TestEnvironment(functions: [:])
        defer { environment.remove() }
        let records = try environment.recordFile()
        try environment.writeManifest(["rec": TestEnvironment.recorder(queue: "jobs", recordFile: records)])
        try await environment.withInvoker { client in
            let url = "http://127.0.0.1:\(try #require(client.port))"
            let sent = try await Self.invoker([
                "queue", "send", "jobs", "--data", "from the cli", "--attributes", #"{"via":"cli"}"#, "--url", url,
            ]).output
            #expect(sent.trimmingCharacters(in: .whitespacesAndNewlines).count == 36)
            #expect(await eventually { RecordedMessage.read(records).map(\.body) == ["from the cli"] })
            let unknown = try await Self.invoker(
                ["queue", "send", "nope", "--data", "x", "--url", url],
                succeeds: false
            )
            #expect(unknown.error.contains(#"no function consumes queue "nope""#))
            let bodyless = try await Self.invoker(["queue", "send", "jobs", "--url", url], succeeds: false)
            #expect(bodyless.error.contains("--data TEXT or --file PATH"))
        }
    }

    /// Runs the `invoker` binary with `arguments` and no input; expects it to succeed or fail as `succeeds` says.
    static func invoker(
        _ arguments: [String],
        succeeds: Bool = true
    ) async throws -> (output: String, error: String) {
        let result = try await Subprocess.run(
            .path(FilePath(TestEnvironment.invokerBinary)),
            arguments: Arguments(arguments),
            input: .none,
            output: .string(limit: 1 << 20),
            error: .string(limit: 1 << 16)
        )
        #expect((result.terminationStatus == .exited(0)) == succeeds, "\(arguments): \(result.standardError)")
        return (result.standardOutput, result.standardError)
    }
}
