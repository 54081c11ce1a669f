import ArgumentParser
import Foundation
import GRDB
import Synchronization
import Testing

@testable import Invoker

@Suite("invoker logs --follow")
struct LogsFollowTests {
    /// Formats times in UTC so that expected output does not depend on the machine.
    static let formatter = InvocationFormatter(timeZone: TimeZone(identifier: "UTC")!)

    @Test("--follow --json prints the matches oldest first, then the matching records written after it started")
    func followJSON() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let ids = UUIDv7Generator()
            let earlier = (0..<3).map { _ in InvocationFixtures.record(id: ids.next()) }
            let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            try await log.database.write { db in
                for record in earlier {
                    try record.insert(db)
                }
            }
            let store = try SQLiteInvocationStore(path: path)
            let output = Output()
            // An invocation that began before `quick` and ended after it: its id is older, its row is written later.
            let slow = InvocationFixtures.record(id: ids.next())
            let quick = InvocationFixtures.record(id: ids.next())
            let other = InvocationFixtures.record(id: ids.next(), function: "resize")
            try await withThrowingTaskGroup { group in
                group.addTask { try await log.run() }
                group.addTask {
                    try await Logs.parse(["--follow", "--json", "--function", "hello", "--limit", "2"])
                        .stream(from: store, formatter: Self.formatter, write: output.write)
                }
                try await InvocationFixtures.poll { output.lines.count == 2 }
                log.append(quick)
                log.append(other)
                try await log.flush()
                try await InvocationFixtures.poll { output.lines.count == 3 }
                log.append(slow)
                try await InvocationFixtures.poll { output.lines.count == 4 }
                group.cancelAll()
            }
            let printed = try output.lines.map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["id"] as? String
            }
            #expect(printed == [earlier[1].id, earlier[2].id, quick.id, slow.id])
        }
    }

    @Test("--follow as a table prints the header even before anything matches, and keeps the columns aligned")
    func followTable() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            let store = try SQLiteInvocationStore(path: path)
            let output = Output()
            var failed = InvocationFixtures.record(status: .throttled)
            failed.durationMs = 12_345.6
            let succeeded = InvocationFixtures.record()
            try await withThrowingTaskGroup { group in
                group.addTask { try await log.run() }
                group.addTask {
                    try await Logs.parse(["--follow"]).stream(
                        from: store,
                        formatter: Self.formatter,
                        write: output.write
                    )
                }
                try await InvocationFixtures.poll { output.lines.count == 1 }
                log.append(succeeded)
                try await log.flush()
                try await InvocationFixtures.poll { output.lines.count == 2 }
                log.append(failed)
                try await InvocationFixtures.poll { output.lines.count == 3 }
                group.cancelAll()
            }
            #expect(
                output.lines == [
                    "TIME                     ID                                    FUNCTION  TRIGGER  STATUS       "
                        + "DURATION  COLD",
                    "2023-11-14 22:13:20.125  \(succeeded.id)  hello     http     success       3.75 ms",
                    "2023-11-14 22:13:20.125  \(failed.id)  hello     http     throttled  12345.6 ms",
                ]
            )
        }
    }

    @Test("the feed yields what was written after it started in batches, in write order, until cancelled")
    func feedBatches() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            let before = InvocationFixtures.variedRecords(count: 5)
            try await log.database.write { db in
                for record in before {
                    try record.insert(db)
                }
            }
            let store = try SQLiteInvocationStore(path: path)
            let (current, feed) = try await store.follow(limit: 3, interval: .milliseconds(10))
            #expect(current == Array(before.reversed().prefix(3)))
            let after = InvocationFixtures.variedRecords(count: 2_500)
            try await log.database.write { db in
                for record in after.reversed() {
                    try record.insert(db)
                }
            }

            var iterator = feed.makeAsyncIterator()
            var batches: [[InvocationRecord]] = []
            while batches.joined().count < after.count, let batch = try await iterator.next() {
                batches.append(batch)
            }
            #expect(batches.map(\.count) == [1_000, 1_000, 500])
            #expect(Array(batches.joined()) == after.reversed())

            let next = try await withThrowingTaskGroup { [iterator] group in
                group.addTask {
                    var iterator = iterator
                    return try await iterator.next()
                }
                group.cancelAll()
                return try await group.next()
            }
            #expect(next == .some(nil))
        }
    }

    /// Collects what `stream` writes, line by line.
    final class Output: Sendable {
        /// The lines written so far.
        private let storage = Mutex<[String]>([])

        /// The lines written so far.
        var lines: [String] { storage.withLock { $0 } }

        /// Keeps the lines of `text`.
        func write(_ text: String) {
            storage.withLock { $0 += text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        }
    }
}
