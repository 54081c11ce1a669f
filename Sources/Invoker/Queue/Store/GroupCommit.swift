import GRDB
import Synchronization

/// Runs the writes of many callers in shared transactions on a GRDB database: a write that arrives while another
/// transaction commits waits and goes into the next one, so a burst of small writes costs few commits.
///
/// A write that throws a ``QueueError`` (a validation error, thrown before it changes anything) fails alone and the
/// others commit; a database error fails the whole transaction and every write in it. A caller resumes only once its
/// write is committed, and a write that started is never interrupted by cancellation. Commits are chained from GRDB's
/// writer queue, so no task outlives its callers.
///
/// ```swift
/// let id = try await writes.write { db in
///     try db.execute(sql: "INSERT INTO messages (body) VALUES (?)", arguments: [body])
///     return db.lastInsertedRowID
/// }
/// ```
final class GroupCommit: Sendable {
    private struct State {
        var pending: [any GroupedWrite] = []
        var committing = false
    }

    /// The database written to.
    let database: DatabasePool
    private let state = Mutex(State())

    /// Creates a group commit on `database`.
    init(database: DatabasePool) {
        self.database = database
    }

    /// Runs `body` in the next shared transaction and returns its result once that transaction is committed.
    func write<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state in
                state.pending.append(PendingWrite(body: body, continuation: continuation))
                defer { state.committing = true }
                return !state.committing
            }
            if start { commitPending() }
        }
    }

    /// Commits everything pending in one transaction, then again while more arrived meanwhile.
    private func commitPending() {
        let writes = state.withLock { state in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        database.asyncWriteWithoutTransaction { db in
            let result = Result {
                try db.inTransaction(.immediate) {
                    for write in writes { try write.apply(db) }
                    return .commit
                }
            }
            for write in writes { write.finish(result) }
            let more = self.state.withLock { state in
                state.committing = !state.pending.isEmpty
                return state.committing
            }
            if more { self.commitPending() }
        }
    }
}

/// A write waiting for its transaction.
private protocol GroupedWrite: Sendable {
    /// Runs the write inside the shared transaction; throws a database error, which fails the transaction.
    func apply(_ db: Database) throws
    /// Reports the write's result once the transaction committed, or the transaction's failure.
    func finish(_ transaction: Result<Void, any Error>)
}

private final class PendingWrite<Value: Sendable>: GroupedWrite {
    let body: @Sendable (Database) throws -> Value
    let continuation: CheckedContinuation<Value, any Error>
    let outcome = Mutex<Result<Value, any Error>?>(nil)

    init(body: @escaping @Sendable (Database) throws -> Value, continuation: CheckedContinuation<Value, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func apply(_ db: Database) throws {
        let result = Result { try body(db) }
        if case .failure(let error) = result, !(error is QueueError) { throw error }
        outcome.withLock { $0 = result }
    }

    func finish(_ transaction: Result<Void, any Error>) {
        switch transaction {
        case .failure(let error):
            continuation.resume(throwing: error)
        case .success:
            let outcome = outcome.withLock { $0 } ?? .failure(QueueError(.storageFailed, "the write was never run"))
            continuation.resume(with: outcome)
        }
    }
}
