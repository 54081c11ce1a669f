import Foundation
import PostgresNIO
import Testing

@testable import Invoker

/// Runs every test of a suite once over each storage, SQLite first: the SQLite and PostgreSQL queue stores, and the
/// SQLite and PostgreSQL invocation log stores, each keep one contract, so their behaviour tests are one suite. A test
/// opens its queue stores with ``withQueueStores(_:now:_:)``, its log store with
/// ``InvocationFixtures/withStore(holding:_:)``.
struct EveryStorage: SuiteTrait, TestTrait, TestScoping {
    /// A storage implementation.
    enum Kind: String, CaseIterable, Sendable {
        case sqlite
        case postgres
    }

    /// The store the running test uses.
    @TaskLocal static var current = Kind.sqlite

    var isRecursive: Bool { true }

    func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        guard testCase != nil else { return try await function() }
        for kind in Kind.allCases {
            try await Self.$current.withValue(kind) {
                do {
                    try await function()
                } catch {
                    throw StorageFailure(kind: kind, error: error)
                }
            }
        }
    }
}

extension Trait where Self == EveryStorage {
    /// Runs each test once per storage: SQLite, then PostgreSQL.
    static var everyStorage: Self { EveryStorage() }
}

/// An error a test threw over one store, naming it.
struct StorageFailure: Error, CustomStringConvertible {
    var kind: EveryStorage.Kind
    var error: any Error

    var description: String { "over \(kind.rawValue): \(error)" }
}

/// Opens `count` stores of the kind under test on one new database (two "nodes" of one queue, or one store and its
/// reopening), reading `clock` (nil: the real time), runs `body`, and closes and deletes them.
func withQueueStores(
    _ count: Int = 1,
    clock: ManualClock? = nil,
    _ body: ([any QueueStore]) async throws -> Void
) async throws {
    let now: @Sendable () -> Int64 = { clock?.now ?? EpochTime.nowMs() }
    switch EveryStorage.current {
    case .sqlite:
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("queue-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("queue.sqlite").path
        try await body((0..<count).map { _ in try SQLiteQueueStore(path: path, now: now) })
    case .postgres:
        let url = try await TestPostgres.shared().makeDatabase()
        try await withPostgresQueueStores(count, url: url, clock: clock, body)
    }
}

/// Opens `count` PostgreSQL stores on the database at `url`, each with a pool of its own as a node has, reading
/// `clock` (nil: the real time), migrating the schema first, and runs `body` while their pools run.
@discardableResult
func withPostgresQueueStores<Value: Sendable>(
    _ count: Int,
    url: PostgresURL,
    configuration: PostgresQueueStore.Configuration = PostgresQueueStore.Configuration(),
    clock: ManualClock? = nil,
    _ body: ([any QueueStore]) async throws -> Value
) async throws -> Value {
    let now: @Sendable () -> Int64 = { clock?.now ?? EpochTime.nowMs() }
    let databases = (0..<count).map { _ in PostgresDatabase(url: url, logger: TestPostgres.logger) }
    try await databases[0].migrate()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for database in databases {
            group.addTask { await database.client.run() }
        }
        defer { group.cancelAll() }
        return try await body(
            databases.map { PostgresQueueStore(database: $0, configuration: configuration, now: now) }
        )
    }
}
