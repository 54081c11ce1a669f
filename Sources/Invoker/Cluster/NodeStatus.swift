import Foundation

/// One node as `GET /system/nodes` and `invoker nodes` show it.
///
/// JSON fields: `name`, `address` (`http://host:port`), `startedAt` and `lastHeartbeat` (ISO 8601 UTC with
/// milliseconds), `version`, `secondsSinceHeartbeat` (by the database's clock), `state` (`up`, `gone` or `stopped`),
/// `self` (whether it is the node that answered), `workers` (per function: `starting`, `idle`, `busy`).
struct NodeStatus: Codable, Sendable {
    /// Whether a node serves, by its heartbeat.
    enum State: String, Codable, Sendable {
        /// It heartbeats.
        case up
        /// It has not heartbeat for longer than the gone threshold (10 seconds by default): it died, hangs, or
        /// cannot reach the database.
        case gone
        /// It shut down gracefully.
        case stopped
    }

    /// How long a node may go without a heartbeat before it is gone, unless configured otherwise.
    static let defaultGoneAfter: Duration = .seconds(10)

    /// The node's name.
    var name: String
    /// Where it serves HTTP.
    var address: String
    /// When it started, by its own clock.
    var startedAt: String
    /// The invoker version it runs.
    var version: String
    /// When it last heartbeat.
    var lastHeartbeat: String
    /// How long ago it last heartbeat, in seconds.
    var secondsSinceHeartbeat: Double
    /// Whether it serves.
    var state: State
    /// Whether it is the node that answered.
    var isSelf: Bool
    /// Its live worker counts per function, at its last heartbeat.
    var workers: [String: SystemRoutes.FunctionStatus.Workers]

    private enum CodingKeys: String, CodingKey {
        case name, address, startedAt, version, lastHeartbeat, secondsSinceHeartbeat, state, workers
        case isSelf = "self"
    }

    /// The state of a node that last beat `silence` ago, `stopped` or not, with nodes `goneAfter` silence gone.
    static func state(stopped: Bool, silence: Duration, goneAfter: Duration) -> State {
        stopped ? .stopped : silence > goneAfter ? .gone : .up
    }

    /// The live worker counts of `pools`, by function.
    static func workers(of pools: [WorkerPool]) -> [String: SystemRoutes.FunctionStatus.Workers] {
        Dictionary(
            uniqueKeysWithValues: pools.map { pool in
                let status = pool.status
                let workers = SystemRoutes.FunctionStatus.Workers(
                    starting: status.starting,
                    idle: status.idle,
                    busy: status.busy
                )
                return (pool.function.name, workers)
            }
        )
    }

    /// This node, from memory, as a single node (without a shared database) lists itself: up, beating now.
    static func local(_ node: NodeIdentity, pools: [WorkerPool]) -> NodeStatus {
        NodeStatus(
            name: node.name,
            address: node.address,
            startedAt: EpochTime.iso8601(node.startedAt),
            version: InvokerVersion.current,
            lastHeartbeat: EpochTime.iso8601(Date()),
            secondsSinceHeartbeat: 0,
            state: .up,
            isSelf: true,
            workers: workers(of: pools)
        )
    }
}
