/// Reads the invocation log, wherever it is kept: the SQLite file of one invoker (``SQLiteInvocationStore``) or the
/// PostgreSQL database nodes share (``PostgresInvocationStore``). Both give the same answers for the same records.
///
/// A store runs the queries; what they mean (the cursor, the prefix rules, the follow feed) is defined once, in the
/// extensions of this protocol.
///
/// ```swift
/// let store: any InvocationStore = try SQLiteInvocationStore(path: InvocationLog.defaultDatabasePath)
/// let failures = try await store.list(filter: InvocationFilter(statuses: [.error]), limit: 20)
/// let record = try await store.record(idOrPrefix: "0193a5e2-7c4")
/// ```
protocol InvocationStore: InvocationSource {
    /// Where the records are read from, for messages: a file's path, or a database without its password.
    var location: String { get }

    /// Returns at most `limit` records that `filter` matches, newest first; with `before`, only those older than the
    /// record with that id.
    ///
    /// Pages through a long listing with a cursor: pass the id of the last (oldest) record of a page as `before` to
    /// get the next page. A page with fewer than `limit` records is the last one. The cursor is the record's id, not
    /// an offset, so pages do not shift as new invocations are recorded, and a deep page costs no more than the first;
    /// the record it names need not still exist (it may have been pruned).
    ///
    /// ```swift
    /// let first = try await store.list(filter: filter, limit: 50, before: nil)
    /// if first.count == 50, let cursor = first.last?.id {
    ///     let second = try await store.list(filter: filter, limit: 50, before: cursor)
    /// }
    /// ```
    func list(filter: InvocationFilter, limit: Int, before cursor: String?) async throws -> [InvocationRecord]

    /// Returns at most `limit` records whose id starts with `prefix` (lower-case hex digits and dashes), and how many
    /// such records there are in all.
    func records(withIDPrefix prefix: String, limit: Int) async throws -> (records: [InvocationRecord], count: Int)

    /// Returns the statistics of every function with records that `filter` matches, by function name (see
    /// ``InvocationStatistics`` for the definitions).
    func statistics(filter: InvocationFilter) async throws -> [InvocationStatistics]

    /// Returns the newest `limit` records that `filter` matches, newest first, and the position of the last record
    /// written, both as of one moment: a feed from that position yields exactly the records written after the
    /// listing.
    func newest(matching filter: InvocationFilter, limit: Int) async throws -> InvocationFeed.Page

    /// Returns at most `limit` records that `filter` matches written after `position`, in the order they were
    /// written, and the position to read from next.
    func records(
        matching filter: InvocationFilter,
        writtenAfter position: Int64,
        limit: Int
    ) async throws -> InvocationFeed.Page
}

extension InvocationStore {
    /// Returns at most `limit` records that `filter` matches, newest first.
    func list(filter: InvocationFilter = InvocationFilter(), limit: Int) async throws -> [InvocationRecord] {
        try await list(filter: filter, limit: limit, before: nil)
    }

    /// Returns at most `limit` records, newest first, older than the record with id `cursor` when it is given.
    func list(limit: Int, before cursor: String?) async throws -> [InvocationRecord] {
        try await list(filter: InvocationFilter(), limit: limit, before: cursor)
    }

    /// Returns the statistics of every function, by function name.
    func statistics() async throws -> [InvocationStatistics] {
        try await statistics(filter: InvocationFilter())
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
        let (records, count) = try await records(withIDPrefix: prefix, limit: 2)
        guard count <= 1 else {
            throw InvocationLogError(
                code: .ambiguousPrefix,
                message: "'\(idOrPrefix)' starts the ids of \(count) invocations in '\(location)': give more of the id"
            )
        }
        guard let record = records.first else {
            throw InvocationLogError(
                code: .invocationNotFound,
                message: prefix.count == 36
                    ? "no invocation with id '\(idOrPrefix)' in '\(location)'"
                    : "no invocation id starts with '\(idOrPrefix)' in '\(location)'"
            )
        }
        return record
    }

    /// Returns the newest `limit` records that `filter` matches, newest first, and a feed of the matching records
    /// written from then on.
    ///
    /// The feed starts exactly where the listing was read: it yields every matching record written after that, and
    /// none written before.
    ///
    /// ```swift
    /// let (current, feed) = try await store.follow(filter: InvocationFilter(function: "hello"), limit: 20)
    /// for try await records in feed {
    ///     records.forEach { print($0.id) }
    /// }
    /// ```
    func follow(
        filter: InvocationFilter = InvocationFilter(),
        limit: Int,
        interval: Duration = InvocationFeed.defaultInterval
    ) async throws -> (current: [InvocationRecord], feed: InvocationFeed) {
        let (current, position) = try await newest(matching: filter, limit: limit)
        return (current, InvocationFeed(store: self, filter: filter, position: position, interval: interval))
    }
}
