import Logging
import PostgresNIO

/// Brings a database's schema up to date with ``PostgresSchema/migrations`` at start.
///
/// Everything runs in one transaction that first takes a PostgreSQL advisory lock, so nodes starting together apply
/// each migration once: the others wait, then find the schema current. A database whose schema is newer than the
/// migrations this invoker knows is refused, naming both versions.
///
/// ```swift
/// try await PostgresMigrator().migrate(on: connection, logger: logger)
/// ```
struct PostgresMigrator: Sendable {
    /// The advisory lock's key, shared by every invoker ("invoker" in ASCII).
    static let lockKey: Int64 = 0x69_6E_76_6F_6B_65_72

    /// The migrations, in order.
    var migrations = PostgresSchema.migrations

    /// Applies the migrations the database lacks; returns the versions applied. Throws a ``SharedDatabaseError`` when the
    /// schema is newer than known or a migration fails.
    @discardableResult
    func migrate(on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        let latest = migrations.last?.version ?? 0
        do {
            return try await migrate(upTo: latest, in: connection, logger: logger)
        } catch {
            throw SharedDatabaseError.unwrapped(error)
        }
    }

    /// Applies the migrations after the database's version, up to `latest`, in one transaction under the lock.
    private func migrate(upTo latest: Int, in connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger).drain()
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """,
                logger: logger
            ).drain()
            var current = 0
            for try await version in try await connection.query(
                "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations",
                logger: logger
            ).decode(Int.self) {
                current = version
            }
            guard current <= latest else {
                throw SharedDatabaseError(
                    .schemaTooNew,
                    "the database's schema is at version \(current), newer than this invoker knows (version"
                        + " \(latest)): upgrade the invoker"
                )
            }
            var applied: [Int] = []
            for migration in migrations where migration.version > current {
                do {
                    for statement in migration.statements {
                        try await connection.query(statement, logger: logger).drain()
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                        logger: logger
                    ).drain()
                } catch {
                    throw SharedDatabaseError(
                        .migrationFailed,
                        "migration \(migration.version) (\(migration.name)) failed: \(SharedDatabaseError.reason(error))"
                    )
                }
                logger.info("Applied a schema migration", metadata: [LogKey.version: "\(migration.version)"])
                applied.append(migration.version)
            }
            return applied
        }
    }
}

extension PostgresRowSequence {
    /// Reads and discards every row: a statement's connection is free once its rows are read.
    func drain() async throws {
        for try await _ in self {}
    }
}
