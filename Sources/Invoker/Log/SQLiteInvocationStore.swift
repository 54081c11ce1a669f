import Foundation
import GRDB

/// Reads the invocation log in an SQLite file: read-only, and safe while `invoker serve` writes to the same file.
///
/// ```swift
/// let store = try SQLiteInvocationStore(path: InvocationLog.defaultDatabasePath)
/// let failures = try await store.list(filter: InvocationFilter(statuses: [.error]), limit: 20)
/// let record = try await store.record(idOrPrefix: "0193a5e2-7c4")
/// ```
struct SQLiteInvocationStore: InvocationStore {
    /// The path of the database file.
    let path: String
    /// The read-only connections.
    let database: DatabasePool

    /// Opens the log at `path` for reading; throws an ``InvocationLogError`` if there is no file there or the file
    /// is not an invocation log.
    ///
    /// Opening checks the schema synchronously: open a store once and keep it, rather than per request.
    init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InvocationLogError.databaseNotFound(at: path)
        }
        var configuration = Configuration()
        configuration.readonly = true
        let hasTable: Bool
        do {
            database = try DatabasePool(path: path, configuration: configuration)
            hasTable = try database.read { try $0.tableExists(InvocationRecord.databaseTableName) }
        } catch {
            throw InvocationLogError(
                code: .cannotOpen,
                message: "cannot read the invocation log at '\(path)': \(error)"
            )
        }
        guard hasTable else {
            throw InvocationLogError(
                code: .notAnInvocationLog,
                message: "'\(path)' is not an invocation log: it has no \(InvocationRecord.databaseTableName) table"
            )
        }
        self.path = path
    }

    var location: String { path }

    func list(filter: InvocationFilter, limit: Int, before cursor: String?) async throws -> [InvocationRecord] {
        try await database.read { db in
            var request = filter.request
            if let cursor {
                request = request.filter(InvocationRecord.Columns.id < cursor)
            }
            return try request.limit(limit).fetchAll(db)
        }
    }

    func records(withIDPrefix prefix: String, limit: Int) async throws -> (records: [InvocationRecord], count: Int) {
        try await database.read { db in
            // Ids hold only hex digits and dashes, all below "~": the range is exactly the ids with this prefix.
            let id = InvocationRecord.Columns.id
            let matches = InvocationRecord.filter(id >= prefix && id < prefix + "~")
            let records = try matches.limit(limit).fetchAll(db)
            return (records, records.count < limit ? records.count : try matches.fetchCount(db))
        }
    }
}
