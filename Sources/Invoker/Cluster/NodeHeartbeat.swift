import Logging
import ServiceLifecycle

/// Writes this node's row in the shared database's ``NodeTable`` once the HTTP server listens and every ``interval``
/// after, with the live worker counts of its pools; on graceful shutdown, one last row that marks it stopped, so the
/// other nodes show it stopped at once rather than gone after the gone threshold.
///
/// A failed heartbeat never affects serving: it is logged once per outage (and once more when heartbeats succeed
/// again), and the next tick tries again.
///
/// It is listed after the other services, so that it stops first, right after the HTTP server: a node that no longer
/// takes requests is stopped, even while its queue consumers and workers finish.
struct NodeHeartbeat: Service {
    /// Where the row goes.
    let table: NodeTable
    /// This node.
    let node: NodeIdentity
    /// The functions whose workers are counted.
    let catalog: FunctionCatalog
    /// The time between two heartbeats.
    let interval: Duration
    /// The heartbeat's logger.
    let logger: Logger

    /// Beats until graceful shutdown, then writes the stopped row; on cancellation, returns without it.
    func run() async {
        await cancelWhenGracefulShutdown { await node.untilListening() }
        guard !Task.isShuttingDownGracefully && !Task.isCancelled else { return }
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            failing = await beat(stopped: false, failing: failing)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        guard !Task.isCancelled else { return }
        _ = await beat(stopped: true, failing: failing)
    }

    /// Writes the row; returns whether it failed, logging when that changes from `failing`.
    private func beat(stopped: Bool, failing: Bool) async -> Bool {
        do {
            try await table.beat(
                name: node.name,
                address: node.address,
                startedAt: node.startedAt,
                workers: NodeStatus.workers(of: catalog.pools),
                stopped: stopped
            )
            if failing { logger.info("Heartbeats reach the shared database again") }
            return false
        } catch {
            if !failing {
                logger.warning(
                    "A heartbeat could not be written to the shared database; retrying every interval",
                    metadata: [LogKey.error: "\(SharedDatabaseError.reason(error))"]
                )
            }
            return true
        }
    }
}
