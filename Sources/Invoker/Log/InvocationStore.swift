import Foundation
import GRDB

/// Reads the invocation log: read-only, and safe while `invoker serve` writes to the same file.
///
/// ```swift
/// let store = try InvocationStore(path: InvocationLog.defaultDatabasePath)
/// let failures = try await store.list(filter: InvocationFilter(statuses: [.error]), limit: 20)
/// let record = try await store.record(idOrPrefix: "0193a5e2-7c4")
/// ```
struct InvocationStore: Sendable {
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

    /// Returns at most `limit` records that `filter` matches, newest first; with `before`, only those older than the
    /// record with that id.
    ///
    /// Pages through a long listing with a cursor: pass the id of the last (oldest) record of a page as `before` to
    /// get the next page. A page with fewer than `limit` records is the last one. The cursor is the record's id, not
    /// an offset, so pages do not shift as new invocations are recorded, and a deep page costs no more than the first;
    /// the record it names need not still exist (it may have been pruned).
    ///
    /// ```swift
    /// let first = try await store.list(filter: filter, limit: 50)
    /// if first.count == 50, let cursor = first.last?.id {
    ///     let second = try await store.list(filter: filter, limit: 50, before: cursor)
    /// }
    /// ```
    func list(
        filter: InvocationFilter = InvocationFilter(),
        limit: Int,
        before cursor: String? = nil
    ) async throws -> [InvocationRecord] {
        try await database.read { db in
            var request = filter.request
            if let cursor {
                request = request.filter(InvocationRecord.Columns.id < cursor)
            }
            return try request.limit(limit).fetchAll(db)
        }
    }

    /// Returns the record whose id is `idOrPrefix`, or the only record whose id starts with it.
    ///
    /// Throws an ``InvocationLogError``: `invalidID` for text that cannot start an id, `invocationNotFound` when no
    /// id matches, `ambiguousPrefix` (saying how many match) when several do.
    func record(idOrPrefix: String) async throws -> InvocationRecord {
        let prefix = idOrPrefix.lowercased()
        guard !prefix.isEmpty, prefix.count <= 36, prefix.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw InvocationLogError(
                code: .invalidID,
                message: "'\(idOrPrefix)' is not an invocation id or the start of one: "
                    + "ids are 36 hexadecimal digits and dashes, like 0193a5e2-7c41-7d2a-9b1f-3c5e8a0d4f62"
            )
        }
        let (records, count) = try await database.read { db in
            // Ids hold only hex digits and dashes, all below "~": the range is exactly the ids with this prefix.
            let id = InvocationRecord.Columns.id
            let matches = InvocationRecord.filter(id >= prefix && id < prefix + "~")
            let records = try matches.limit(2).fetchAll(db)
            return (records, records.count < 2 ? records.count : try matches.fetchCount(db))
        }
        guard count <= 1 else {
            throw InvocationLogError(
                code: .ambiguousPrefix,
                message: "'\(idOrPrefix)' starts the ids of \(count) invocations in '\(path)': give more of the id"
            )
        }
        guard let record = records.first else {
            throw InvocationLogError(
                code: .invocationNotFound,
                message: prefix.count == 36
                    ? "no invocation with id '\(idOrPrefix)' in '\(path)'"
                    : "no invocation id starts with '\(idOrPrefix)' in '\(path)'"
            )
        }
        return record
    }
}
