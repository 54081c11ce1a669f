import Foundation
import PostgresNIO

/// The `cluster_nodes` table of a shared database (see ``PostgresSchema``): one row per node, rewritten by its
/// ``NodeHeartbeat``, read by `GET /system/nodes` and `invoker nodes`.
///
/// Heartbeat times are the database's clock (`now()`), and so is the silence a listing reports: nodes whose clocks
/// disagree still see each other as up. Each heartbeat also deletes the rows of other nodes silent for more than
/// ``forgottenAfter``, in the same statement.
///
/// ```swift
/// let table = NodeTable(database: database)
/// try await table.beat(name: "a", address: "http://a:8080", startedAt: Date(), workers: [:], stopped: false)
/// let nodes = try await table.list(goneAfter: .seconds(10), selfName: "a")
/// ```
struct NodeTable: Sendable {
    /// How long a silent node's row is kept.
    static let forgottenAfter: Duration = .seconds(24 * 60 * 60)
    /// The database's time in milliseconds since 1970, in SQL.
    private static let databaseNowMs = "(extract(epoch FROM now()) * 1000)::BIGINT"

    /// The database, whose pool runs.
    let database: PostgresDatabase
    /// How long a read or write waits for the database before it fails.
    var timeout: Duration = .seconds(5)

    /// Writes this node's row: inserts it, or replaces what another start of the node wrote; then deletes forgotten
    /// rows of other nodes. Throws what PostgresNIO throws, or a ``SharedDatabaseError`` after ``timeout``.
    func beat(
        name: String,
        address: String,
        startedAt: Date,
        workers: [String: SystemRoutes.FunctionStatus.Workers],
        stopped: Bool
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let workers = String(decoding: try encoder.encode(workers), as: UTF8.self)
        let statement: PostgresQuery = """
            WITH forgotten AS (
                DELETE FROM cluster_nodes
                WHERE heartbeat_at < \(unescaped: Self.databaseNowMs) - \(Self.forgottenAfter.wholeMilliseconds)
                    AND name <> \(name)
            )
            INSERT INTO cluster_nodes (name, address, started_at, version, heartbeat_at, workers, stopped)
            VALUES (\(name), \(address), \(EpochTime.ms(startedAt)), \(InvokerVersion.current),
                    \(unescaped: Self.databaseNowMs), \(workers), \(stopped))
            ON CONFLICT (name) DO UPDATE SET
                address = EXCLUDED.address, started_at = EXCLUDED.started_at, version = EXCLUDED.version,
                heartbeat_at = EXCLUDED.heartbeat_at, workers = EXCLUDED.workers, stopped = EXCLUDED.stopped
            """
        try await database.withClient(timeout: timeout) { try await $0.query(statement).drain() }
    }

    /// Every node, sorted by name, with those silent longer than `goneAfter` gone and the one named `selfName` marked
    /// as self. Throws what PostgresNIO throws, or a ``SharedDatabaseError`` after ``timeout``.
    func list(goneAfter: Duration, selfName: String?) async throws -> [NodeStatus] {
        let statement: PostgresQuery = """
            SELECT name, address, started_at, version, heartbeat_at, workers, stopped,
                \(unescaped: Self.databaseNowMs) - heartbeat_at
            FROM cluster_nodes ORDER BY name
            """
        let rows = try await database.withClient(timeout: timeout) { client in
            var rows: [Row] = []
            for try await row in try await client.query(statement).decode(Row.self) { rows.append(row) }
            return rows
        }
        var nodes: [NodeStatus] = []
        for (name, address, startedAt, version, heartbeatAt, workers, stopped, silenceMs) in rows {
            let silence = Duration.milliseconds(max(silenceMs, 0))
            nodes.append(
                NodeStatus(
                    name: name,
                    address: address,
                    startedAt: EpochTime.iso8601(EpochTime.date(epochMs: startedAt)),
                    version: version,
                    lastHeartbeat: EpochTime.iso8601(EpochTime.date(epochMs: heartbeatAt)),
                    secondsSinceHeartbeat: silence.seconds,
                    state: NodeStatus.state(stopped: stopped, silence: silence, goneAfter: goneAfter),
                    isSelf: name == selfName,
                    // A row another version wrote in a form this one cannot read shows no workers.
                    workers: (try? JSONDecoder().decode(
                        [String: SystemRoutes.FunctionStatus.Workers].self,
                        from: Data(workers.utf8)
                    )) ?? [:]
                )
            )
        }
        return nodes
    }

    /// A row as ``list(goneAfter:selfName:)`` reads it: the columns, then the silence in milliseconds.
    private typealias Row = (String, String, Int64, String, Int64, String, Bool, Int64)
}
