import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing

@testable import Invoker

/// How ``GroupCommit`` shares transactions, on a database in a temporary file.
///
/// A first write holds GRDB's writer queue (it waits for a gate) while the next ones are submitted with
/// `Task.immediate`, which returns once the write is queued: so the tests know which writes wait together, without
/// sleeping. Each write returns the number of transactions committed before its own, which names its transaction.
@Suite("Group commit")
struct GroupCommitTests {
    /// A database with a table of names, and a group commit on it.
    struct Fixture {
        let database: DatabasePool
        let commits: GroupCommit
        let counter = CommitCounter()

        /// The names inserted, in row order.
        func names() async throws -> [String] {
            try await database.read { try String.fetchAll($0, sql: "SELECT name FROM entries ORDER BY rowid") }
        }

        /// Submits a write that inserts `name` (and then runs `more`) and returns the number of its transaction;
        /// returns once the write is queued.
        func insert(
            _ name: String,
            then more: @escaping @Sendable (Database) throws -> Void = { _ in }
        ) -> Task<Int, any Error> {
            Task.immediate { [commits, counter] in
                try await commits.write { db in
                    try db.execute(sql: "INSERT INTO entries (name) VALUES (?)", arguments: [name])
                    try more(db)
                    return counter.commits.load(ordering: .relaxed)
                }
            }
        }

        /// Submits a write that inserts `name` once `gate` opens, so that the writes submitted meanwhile wait for
        /// the next transaction.
        func insertHeld(_ name: String, until gate: DispatchSemaphore) -> Task<Int, any Error> {
            insert(name) { _ in gate.wait() }
        }
    }

    /// Runs `body` with a fresh database file, removed afterwards.
    func withFixture(_ body: (Fixture) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("group-commit-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try DatabasePool(path: directory.appendingPathComponent("test.sqlite").path)
        let fixture = Fixture(database: database, commits: GroupCommit(database: database))
        try await database.writeWithoutTransaction { [counter = fixture.counter] db in
            try db.execute(sql: "CREATE TABLE entries (name TEXT NOT NULL)")
            db.add(transactionObserver: counter, extent: .databaseLifetime)
        }
        try await body(fixture)
    }

    @Test("a write with nothing else pending commits on its own, and its caller resumes once it is committed")
    func loneWrites() async throws {
        try await withFixture { fixture async throws in
            #expect(try await fixture.insert("a").value == 0)
            #expect(try await fixture.names() == ["a"])
            #expect(try await fixture.insert("b").value == 1)
            #expect(try await fixture.names() == ["a", "b"])
        }
    }

    @Test("writes submitted while a transaction commits share the next one, in the order they were submitted")
    func batchesConcurrentWrites() async throws {
        try await withFixture { fixture async throws in
            let gate = DispatchSemaphore(value: 0)
            let first = fixture.insertHeld("first", until: gate)
            let waiting = ["b", "c", "d"].map { fixture.insert($0) }
            gate.signal()
            #expect(try await first.value == 0)
            var transactions: [Int] = []
            for write in waiting { transactions.append(try await write.value) }
            #expect(transactions == [1, 1, 1])
            #expect(fixture.counter.commits.load(ordering: .relaxed) == 2)
            #expect(try await fixture.names() == ["first", "b", "c", "d"])
        }
    }

    @Test("a database error fails every write of its transaction, and none of them is committed")
    func databaseErrorFailsTheGroup() async throws {
        try await withFixture { fixture async throws in
            let gate = DispatchSemaphore(value: 0)
            let first = fixture.insertHeld("first", until: gate)
            let before = fixture.insert("before")
            let failing = fixture.insert("failing") { db in try db.execute(sql: "INSERT INTO missing VALUES (1)") }
            let after = fixture.insert("after")
            gate.signal()
            #expect(try await first.value == 0)
            for write in [before, failing, after] {
                let error = await #expect(throws: DatabaseError.self) { try await write.value }
                #expect(error?.message?.contains("missing") == true)
            }
            #expect(try await fixture.names() == ["first"])
            // The group's failure does not stop the next write.
            #expect(try await fixture.insert("later").value == 1)
            #expect(try await fixture.names() == ["first", "later"])
        }
    }

    @Test("a write that throws a QueueError fails alone; the others of its transaction commit")
    func queueErrorFailsAlone() async throws {
        try await withFixture { fixture async throws in
            let gate = DispatchSemaphore(value: 0)
            let first = fixture.insertHeld("first", until: gate)
            let before = fixture.insert("before")
            let invalid = Task.immediate { [commits = fixture.commits] in
                try await commits.write { _ -> Int in throw QueueError(.invalidMessage, "the body is empty") }
            }
            let after = fixture.insert("after")
            gate.signal()
            #expect(try await first.value == 0)
            #expect(try await before.value == 1)
            let error = await #expect(throws: QueueError.self) { try await invalid.value }
            #expect(error?.code == .invalidMessage)
            #expect(try await after.value == 1)
            #expect(try await fixture.names() == ["first", "before", "after"])
        }
    }
}
