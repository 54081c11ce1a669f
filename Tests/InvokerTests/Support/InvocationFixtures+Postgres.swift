import Foundation

@testable import Invoker

extension InvocationFixtures {
    /// Runs `body` with a new, migrated database on the shared test server, its pool running.
    static func withPostgresDatabase<T: Sendable>(_ body: (PostgresDatabase) async throws -> T) async throws -> T {
        let url = try await TestPostgres.shared().makeDatabase()
        let database = PostgresDatabase(url: url, logger: TestPostgres.logger)
        try await database.migrate()
        return try await database.withRunningClient { _ in try await body(database) }
    }
}
