import Foundation
import GRDB

extension SQLiteInvocationStore {
    /// Computed by ``InvocationStatistics/query(table:condition:)``.
    ///
    /// ```swift
    /// for statistics in try await store.statistics(filter: InvocationFilter(since: Date() - 3600)) {
    ///     print(statistics.function, statistics.invocations, statistics.durationP95Ms ?? 0)
    /// }
    /// ```
    func statistics(filter: InvocationFilter) async throws -> [InvocationStatistics] {
        // The filter's condition keeps its arguments: the query is written around it.
        let marker = "\u{0}condition\u{0}"
        let parts = InvocationStatistics.query(table: InvocationRecord.databaseTableName, condition: marker)
            .components(separatedBy: marker)
        let request = SQLRequest<Row>(literal: SQL(sql: parts[0]) + "\(filter.condition)" + SQL(sql: parts[1]))
        return try await database.read { db in
            try request.fetchAll(db).map(InvocationStatistics.init(row:))
        }
    }
}
