import Foundation
import Testing

@testable import Invoker

/// Runs every test of a suite once over each invocation log store, SQLite first: both keep one contract, so the
/// reading tests are one suite. A test opens its store with ``InvocationFixtures/withStore(holding:_:)``.
struct EveryInvocationStore: SuiteTrait, TestTrait, TestScoping {
    /// An invocation log store implementation.
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
                    throw InvocationStoreFailure(kind: kind, error: error)
                }
            }
        }
    }
}

extension Trait where Self == EveryInvocationStore {
    /// Runs each test once per invocation log store.
    static var everyInvocationStore: Self { EveryInvocationStore() }
}

/// An error a test threw over one store, naming it.
struct InvocationStoreFailure: Error, CustomStringConvertible {
    var kind: EveryInvocationStore.Kind
    var error: any Error

    var description: String { "over the \(kind.rawValue) invocation store: \(error)" }
}

extension InvocationFixtures {
    /// Runs `body` with a new, migrated database on the shared test server, its pool running.
    static func withPostgresDatabase<T: Sendable>(_ body: (PostgresDatabase) async throws -> T) async throws -> T {
        let url = try await TestPostgres.shared().makeDatabase()
        let database = PostgresDatabase(url: url, logger: TestPostgres.logger)
        try await database.migrate()
        return try await database.withRunningClient { _ in try await body(database) }
    }
}
