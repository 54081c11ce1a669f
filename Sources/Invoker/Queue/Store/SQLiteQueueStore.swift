import Foundation
import GRDB

/// The embedded ``QueueStore``: one SQLite database file (WAL) of its own, written by a single writer through
/// ``GroupCommit``, so that concurrent producers and consumers share commits and a lease is one transaction.
///
/// A message is committed before ``enqueue(_:to:)`` returns; leases are visibility deadlines stored with the
/// messages, so they survive a crash of the process: after a restart, a message whose lease expired is delivered
/// again. With ``Configuration/synchronous`` `.full` (the default), every commit also survives a power loss.
///
/// ```swift
/// let store = try SQLiteQueueStore(path: ".invoker/queue.sqlite")
/// let sent = try await store.enqueue([NewMessage(body: .text("hello"))], to: "words")
/// ```
final class SQLiteQueueStore: QueueStore {
    /// Where `invoker serve` keeps the queue and the `invoker queue` commands read it, beside the manifest.
    static let defaultDatabasePath = ".invoker/queue.sqlite"

    /// The path of the database file.
    let path: String
    /// The connections: one writer, readers beside it.
    let database: DatabasePool
    /// Rings when messages are enqueued or redriven by this store.
    let arrivals = Doorbell()
    /// The writer: every change goes through it.
    let writes: GroupCommit
    /// The current time in milliseconds since the Unix epoch (injected by tests).
    let now: @Sendable () -> Int64
    /// Makes message ids.
    let ids: UUIDv7Generator
    /// The watcher looks at the file every second: only another process (`invoker queue redrive`) enqueues unannounced.
    let pollInterval: Duration = .seconds(1)

    /// Opens the queue database at `path`, creating it and its directory if needed (readable by their owner only, see
    /// ``StateDirectory``), and brings its schema up to
    /// date; throws a ``QueueError`` naming the path when it cannot.
    init(
        path: String,
        configuration: Configuration = Configuration(),
        now: @escaping @Sendable () -> Int64 = { EpochTime.nowMs() }
    ) throws {
        self.path = path
        self.now = now
        self.ids = UUIDv7Generator(now: { UInt64(max(now(), 0)) })
        do {
            try StateDirectory.preparePrivateFile(at: path)
            var options = GRDB.Configuration()
            options.busyMode = .timeout(configuration.busyTimeout.seconds)
            options.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = \(configuration.synchronous.pragma)")
            }
            database = try DatabasePool(path: path, configuration: options)
            try Self.migrator.migrate(database)
        } catch {
            throw QueueError(.cannotOpen, "cannot open the queue database at '\(path)': \(error)")
        }
        writes = GroupCommit(database: database)
    }

    /// Opens the existing queue database at `path` for the `invoker queue` commands; throws a ``QueueError`` when
    /// there is none, saying how one is made.
    static func existing(at path: String) throws -> SQLiteQueueStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw QueueError(
                .cannotOpen,
                "no queue database at '\(path)': `invoker serve` creates it beside the manifest, or give --queue-db"
            )
        }
        return try SQLiteQueueStore(path: path)
    }

    /// The file is local: it takes messages whenever the invoker runs.
    func isAvailable() async -> Bool { true }

    /// Runs `body` in the writer's next transaction; database failures become ``QueueError``s naming the file.
    func write<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws -> Value {
        do {
            return try await writes.write(body)
        } catch let error as QueueError {
            throw error
        } catch {
            throw QueueError(.storageFailed, "the queue database '\(path)' failed: \(error)")
        }
    }

    /// Runs `body` on a reader; database failures become ``QueueError``s naming the file.
    func read<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws -> Value {
        do {
            return try await database.read(body)
        } catch {
            throw QueueError(.storageFailed, "the queue database '\(path)' failed: \(error)")
        }
    }
}
