import NIOCore
import PostgresNIO
import Synchronization

/// Stores the messages of concurrent enqueues in shared `INSERT` statements: an enqueue that arrives while
/// ``maximumStatements`` statements are under way waits and goes into the next one, so a burst of single-message
/// requests costs a few commits rather than one each.
///
/// A caller resumes once the statement holding its messages is committed, or with that statement's ``QueueError``
/// (every caller in it then fails, and none of their messages is stored). Statements run in tasks of their own, so a
/// caller that is cancelled does not interrupt the others' commit.
///
/// ```swift
/// let body = MessageBody.text("hello")
/// let row = PostgresMessageInsertions.Row(id: id, queue: "words", body: body, md5: MD5.hex(body.bytes), sentAt: now)
/// try await insertions.insert([row])
/// ```
final class PostgresMessageInsertions: Sendable {
    /// One message to store, visible at once.
    struct Row: Sendable {
        /// The message's id.
        var id: String
        /// Its queue.
        var queue: String
        /// Its body.
        var body: MessageBody
        /// The MD5 digest of the body, in hex.
        var md5: String
        /// Its attributes as stored JSON, if it has any.
        var attributes: String?
        /// Where its result is posted, for asynchronous invocations.
        var callbackURL: String?
        /// When it was sent, in milliseconds since 1970 (also when it becomes visible).
        var sentAt: Int64
    }

    /// Callers waiting for a statement, and how many statements are under way.
    private struct State {
        var waiting: [(rows: [Row], continuation: CheckedContinuation<Void, any Error>)] = []
        var statements = 0
    }

    /// The database the messages go to.
    let database: PostgresDatabase
    /// How long a statement waits for the database before its callers fail.
    let timeout: Duration
    /// The most statements under way at once; more callers wait for the next one.
    let maximumStatements: Int
    private let state = Mutex(State())

    /// Stores messages in `database`, with at most `maximumStatements` statements under way at once.
    init(database: PostgresDatabase, timeout: Duration, maximumStatements: Int = 2) {
        self.database = database
        self.timeout = timeout
        self.maximumStatements = maximumStatements
    }

    /// Stores `rows` and returns once they are committed.
    func insert(_ rows: [Row]) async throws {
        try await withCheckedThrowingContinuation { continuation in
            let startsStatement = state.withLock { state in
                state.waiting.append((rows, continuation))
                guard state.statements < maximumStatements else { return false }
                state.statements += 1
                return true
            }
            if startsStatement {
                Task { await self.runStatements() }
            }
        }
    }

    /// Runs statements for the waiting callers until none wait.
    private func runStatements() async {
        while true {
            let callers = state.withLock { state in
                defer { state.waiting = [] }
                if state.waiting.isEmpty {
                    state.statements -= 1
                }
                return state.waiting
            }
            guard !callers.isEmpty else { return }
            let result = await Result { try await store(callers.flatMap(\.rows)) }
            for caller in callers {
                caller.continuation.resume(with: result)
            }
        }
    }

    /// Stores `rows` in one statement, in their order.
    private func store(_ rows: [Row]) async throws {
        let statement = PostgresQueueStatements.Insert(
            ids: rows.map(\.id),
            queues: rows.map(\.queue),
            bodies: rows.map { ByteBuffer(bytes: $0.body.bytes) },
            texts: rows.map { !$0.body.isBinary },
            md5s: rows.map(\.md5),
            attributes: rows.map { $0.attributes ?? "" },
            callbacks: rows.map { $0.callbackURL ?? "" },
            sentAts: rows.map(\.sentAt)
        )
        try await PostgresQueueStore.perform(on: database, timeout: timeout) { client in
            for try await _ in try await client.execute(statement) {}
        }
    }
}

extension Result where Failure == any Error {
    /// The result of `body`: its value, or the error it threw.
    fileprivate init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
