import GRDB
import Synchronization
import Testing

@testable import Invoker

/// How the invocation log's writer cuts what it finds buffered into transactions.
@Suite("Invocation log writer")
struct InvocationLogWriterTests {
    @Test("the writer commits the buffer in transactions of at most maximumBatchSize records, oldest first")
    func batchLimit() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            var configuration = InvocationLog.Configuration()
            configuration.maximumBatchSize = 3
            let log = try InvocationLog(
                path: path,
                configuration: configuration,
                logger: InvocationFixtures.quietLogger
            )
            let counter = CommitCounter()
            try await log.database.writeWithoutTransaction { db in
                db.add(transactionObserver: counter, extent: .databaseLifetime)
            }
            // Buffered before the writer starts: it finds all ten at its first look.
            let records = InvocationFixtures.variedRecords(count: 10)
            records.forEach(log.append)
            try await withThrowingTaskGroup { group in
                group.addTask { try await log.run() }
                try await log.flush()
                group.cancelAll()
            }
            // 3 + 3 + 3 + 1.
            #expect(counter.commits.load(ordering: .relaxed) == 4)
            #expect(try await SQLiteInvocationStore(path: path).list(limit: 20) == records.reversed())
        }
    }
}
