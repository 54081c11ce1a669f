/// Where the invocation log's writer puts records, and what its retention deletes: the embedded SQLite file
/// (``SQLiteInvocationSink``), or a database shared by several invokers.
///
/// ``InvocationLog`` owns the buffering, batching, retries and retention policy; a sink only runs statements. Every
/// method may be called while another runs (the writer's batches and the retention's chunks take turns).
///
/// ```swift
/// let log = InvocationLog(sink: try SQLiteInvocationSink(path: path), logger: logger)
/// ```
protocol InvocationSink: Sendable {
    /// Where the records go, for messages: a file's path, or a database URL without its password.
    var location: String { get }

    /// Inserts `batch` in one transaction, to the end even when the calling task is cancelled (the last batches are
    /// written during shutdown); returns how many records were ignored because their ids are already stored.
    func insert(_ batch: ArraySlice<InvocationRecord>) async throws -> Int

    /// Whether the database takes writes now.
    func isWritable() async -> Bool

    /// Deletes at most `limit` records of invocations that started before `cutoffMs` (milliseconds since the Unix
    /// epoch), oldest first, in one short transaction; returns how many.
    func deleteRecords(startedBefore cutoffMs: Int64, limit: Int) async throws -> Int

    /// The id of the newest record beyond the newest `count` (by id), if there are more than `count` records.
    func newestRecordID(beyondNewest count: Int) async throws -> String?

    /// Deletes at most `limit` records whose id is `id` or older, oldest first, in one short transaction; returns
    /// how many.
    func deleteRecords(throughID id: String, limit: Int) async throws -> Int
}
