import Foundation
import GRDB
import Testing

@testable import Invoker

@Suite("Invocation store pagination")
struct InvocationStorePaginationTests {
    @Test("pages chained by the last id list every match once, newest first, whatever is recorded meanwhile")
    func cursorPagination() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let records = InvocationFixtures.variedRecords(count: 95)
            let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            try await log.database.write { db in
                for record in records {
                    try record.insert(db)
                }
            }
            let store = try SQLiteInvocationStore(path: path)
            let filter = InvocationFilter(function: "hello")
            var pages: [[InvocationRecord]] = []
            var cursor: String?
            repeat {
                let page = try await store.list(filter: filter, limit: 10, before: cursor)
                pages.append(page)
                cursor = page.count == 10 ? page.last?.id : nil
                // Records written while paging are newer than the first page: they do not shift later pages.
                try await log.database.write { try InvocationFixtures.record().insert($0) }
            } while cursor != nil
            let hello = records.reversed().filter { $0.function == "hello" }
            #expect(pages.map(\.count) == [10, 10, 10, 2])
            #expect(Array(pages.joined()) == hello)
        }
    }

    @Test("a cursor whose record was deleted still pages from where it was")
    func deletedCursor() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let records = InvocationFixtures.variedRecords(count: 20)
            let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            try await log.database.write { db in
                for record in records {
                    try record.insert(db)
                }
            }
            let store = try SQLiteInvocationStore(path: path)
            _ = try await log.prune(olderThan: nil, keepingNewest: 19)
            let cursor = records[10].id
            try await log.database.write { _ = try InvocationRecord.deleteOne($0, key: cursor) }
            #expect(try await store.list(limit: 3, before: cursor) == Array(records[7..<10].reversed()))
            #expect(try await store.list(limit: 30, before: cursor).count == 9)
        }
    }

    @Test("the next page of a filtered listing walks the filter's index, without sorting")
    func cursorPlan() async throws {
        try await InvocationFixtures.withDatabasePath { path in
            let log = try InvocationLog(path: path, logger: InvocationFixtures.quietLogger)
            try await log.database.read { db in
                let request = InvocationFilter(function: "hello").request
                    .filter(Column(InvocationRecord.CodingKeys.id) < "0190e6a1")
                    .limit(50)
                let statement = try request.makePreparedRequest(db).statement
                let plan = try Row.fetchAll(
                    db,
                    sql: "EXPLAIN QUERY PLAN " + statement.sql,
                    arguments: statement.arguments
                ).map { row -> String in row["detail"] }.joined(separator: "\n")
                #expect(plan.contains("USING INDEX invocations_by_function (function=? AND id<?)"), "\(plan)")
                #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
            }
        }
    }
}
