import Logging
import NIOPosix
import PostgresNIO

/// A PostgreSQL database the invoker shares with other nodes: its URL, a connection pool for the components' queries,
/// and single connections for the work that must not wait for the pool (migrations at start, listening).
///
/// The pool (``client``) serves queries only while it runs: `invoker serve` runs it as a service, listed before the
/// services that use it so it stops after them; commands and tests use ``withRunningClient(_:)``.
///
/// ```swift
/// let database = PostgresDatabase(url: try PostgresURL(text), logger: logger)
/// try await database.migrate()
/// try await database.withRunningClient { client in try await client.query("SELECT 1").drain() }
/// ```
struct PostgresDatabase: Sendable {
    /// Where the database is.
    let url: PostgresURL
    /// The connection pool.
    let client: PostgresClient
    /// The database's logger, with its location.
    let logger: Logger

    /// Describes the database at `url`; connects nothing until used.
    init(url: PostgresURL, logger: Logger) {
        var logger = logger
        logger[metadataKey: LogKey.database] = "\(url.location)"
        var configuration = url.clientConfiguration
        configuration.options.connectTimeout = .seconds(5)
        self.url = url
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// Runs `body` with a connection of its own, closed when `body` returns; throws a ``SharedDatabaseError`` naming the
    /// database when it cannot connect.
    func withConnection<Value: Sendable>(
        _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(),
                configuration: try url.connectionConfiguration(),
                id: 0,
                logger: logger
            )
        } catch {
            throw SharedDatabaseError(
                .unreachable,
                "cannot connect to the database \(url): \(SharedDatabaseError.reason(error))"
            )
        }
        do {
            let value = try await body(connection)
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Brings the schema up to date (see ``PostgresMigrator``); throws a ``SharedDatabaseError`` naming the database.
    func migrate() async throws {
        do {
            _ = try await withConnection { connection in
                try await PostgresMigrator().migrate(on: connection, logger: logger)
            }
        } catch let error as SharedDatabaseError where error.code == .unreachable {
            throw error
        } catch let error as SharedDatabaseError {
            throw SharedDatabaseError(error.code, "\(url.location): \(error.message)")
        } catch {
            throw SharedDatabaseError(
                .migrationFailed,
                "bringing the schema of \(url.location) up to date failed: \(SharedDatabaseError.reason(error))"
            )
        }
    }

    /// Runs the pool while `body` runs, for commands and tests; the pool stops when `body` returns.
    func withRunningClient<Value: Sendable>(_ body: (PostgresClient) async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
