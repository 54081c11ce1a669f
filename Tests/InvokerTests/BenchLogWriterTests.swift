import ArgumentParser
import Foundation
import Logging
import Testing

@testable import Invoker

@Suite("invoker bench-log-writer")
struct BenchLogWriterTests {
    @Test("writes every record through the log's writer into a new file and reports the time it took")
    func writesRecords() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let command = try BenchLogWriter.parse(["--records", "5000", "--db", path])
            let (records, seconds) = try await command.measure(logger: InvocationFixtures.quietLogger)
            #expect(records == 5_000)
            #expect(seconds > 0)
            let stored = try await InvocationStore(path: path).list(filter: InvocationFilter(), limit: 10)
            #expect(stored.count == 10 && stored.allSatisfy { $0.function == "hello" && $0.status == .success })
        }
    }

    @Test("refuses a database that exists, so a real log is never filled with benchmark records")
    func refusesExistingFile() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            _ = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            #expect(throws: (any Error).self) { try BenchLogWriter.parse(["--db", path]) }
        }
    }
}
