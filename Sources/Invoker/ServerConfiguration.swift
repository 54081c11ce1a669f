import Foundation
import Logging
import NIOCore

/// Everything `invoker serve` can be told, with its defaults.
struct ServerConfiguration: Sendable {
    /// The address the HTTP server binds to; `0.0.0.0` serves every interface.
    var host = "127.0.0.1"
    /// The HTTP port; 0 picks a free one.
    var port = 8080
    /// The manifest file.
    var manifestPath = "functions.json"
    /// The invocation log's SQLite file; nil is `.invoker/invocations.sqlite` beside the manifest.
    var databasePath: String?
    /// The queue's SQLite file; nil is `.invoker/queue.sqlite` beside the manifest.
    var queueDatabasePath: String?
    /// How the queue's database is opened.
    var queue = SQLiteQueueStore.Configuration()
    /// The PostgreSQL database several nodes share; when set, the queue is kept there instead of in
    /// ``queueDatabasePath``.
    var database: PostgresURL?
    /// How the queue waits for and polls the PostgreSQL database.
    var postgresQueue = PostgresQueueStore.Configuration()
    /// The node's name among the nodes sharing ``database``; nil is `hostname:port`.
    var nodeName: String?
    /// The time between two heartbeats of this node in ``database`` (see ``NodeHeartbeat``).
    var heartbeatInterval: Duration = .seconds(1)
    /// How long a node may go without a heartbeat before `GET /system/nodes` calls it gone.
    var nodeGoneAfter = NodeStatus.defaultGoneAfter
    /// The `Functions` worker binary; nil is the one beside the invoker.
    var functionsBinary: String?
    /// The key the admin API (`/system/…`, `/metrics`) requires as `Authorization: Bearer <key>`; nil generates one
    /// at start and writes it to `admin.key` in the state directory, where the CLI finds it.
    var apiKey: String?
    /// The `--api-keys` file: the `name key` lines that routes with `{"apiKey": {}}` auth accept in `x-api-key`;
    /// re-read on SIGHUP. Nil refuses to start a manifest with such routes.
    var apiKeysPath: String?
    /// The shortest time between two fetches of a JWKS URL, which a token with an unknown `kid` triggers.
    var jwksRefreshInterval: Duration = .seconds(60)
    /// The access keys the Invoke API requires signatures from (AWS Signature Version 4); nil leaves it open.
    var invokeCredentials: AWSCredentials?
    /// Whether invocations are recorded in the invocation log. When false nothing new is written, but the log is
    /// still opened and served (`/system/invocations`), and metrics still count every invocation; benchmarks use it
    /// to measure what recording costs.
    var recordsInvocations = true
    /// How long and how many invocation records are kept.
    var retention = InvocationLog.Configuration()
    /// The most worker processes across all functions.
    var maxWorkers = WorkerBudget.machineDefault
    /// Whether each worker runs under a user id of its own (possible, and the default, when the invoker is root).
    var isolateWorkers = WorkerIdentity.canIsolate
    /// What every HTTP connection is held to: head and body timeouts, the idle keep-alive timeout, the largest head
    /// and body, and how a body left unread after an early answer is drained or the connection closed.
    var edge = HTTPEdgePolicy()
    /// Whether a missing or out-of-date `Functions` binary is built before serving.
    var buildFunctions = true
    /// What `serve --watch` watches and builds; nil without `--watch`.
    var watch: SourceWatch.Settings?
    /// Called once the HTTP server listens, with its channel (tests read the port from it).
    var onServerRunning: @Sendable (any Channel) async -> Void = { _ in }

    /// The private state directory, `.invoker` beside the manifest.
    var stateDirectory: StateDirectory { StateDirectory(beside: manifestPath) }

    /// The database path, resolving the default.
    var resolvedDatabasePath: String {
        databasePath
            ?? URL(fileURLWithPath: manifestPath).deletingLastPathComponent()
            .appendingPathComponent(InvocationLog.defaultDatabasePath).path
    }

    /// The queue database's path, resolving the default.
    var resolvedQueueDatabasePath: String {
        queueDatabasePath
            ?? URL(fileURLWithPath: manifestPath).deletingLastPathComponent()
            .appendingPathComponent(SQLiteQueueStore.defaultDatabasePath).path
    }
}
