import Foundation
import Hummingbird
import Logging

/// The admin API's `GET /system/nodes`: the nodes that share this node's database, read from its ``NodeTable``;
/// without a shared database, this node alone, from memory. A database that fails or does not answer is `503`.
struct NodeRoutes: Sendable {
    /// The document `GET /system/nodes` answers: `{"nodes": [...]}`, sorted by name.
    struct Document: Codable, Sendable {
        /// The nodes.
        var nodes: [NodeStatus]
    }

    /// This node.
    let node: NodeIdentity
    /// Its functions, whose workers are counted when it lists itself from memory.
    let catalog: FunctionCatalog
    /// The shared database's nodes; nil for a single node.
    let table: NodeTable?
    /// How long a node may be silent before it is gone.
    let goneAfter: Duration
    /// Where database failures are logged.
    let logger: Logger

    /// Adds the route to `admin`, the group that requires the admin key.
    func register(on admin: some RouterMethods<InvokerRequestContext>) {
        admin.get("/system/nodes") { _, _ in
            let nodes: [NodeStatus]
            if let table {
                do {
                    nodes = try await table.list(goneAfter: goneAfter, selfName: node.name)
                } catch {
                    logger.warning(
                        "The nodes could not be read from the shared database",
                        metadata: [LogKey.error: "\(SharedDatabaseError.reason(error))"]
                    )
                    throw InvokerError(
                        .databaseUnavailable,
                        "the nodes cannot be read from the shared database \(table.database.url.location)"
                    )
                }
            } else {
                nodes = [NodeStatus.local(node, pools: catalog.pools)]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = try encoder.encode(Document(nodes: nodes))
            return Response.json(status: .ok, String(decoding: body, as: UTF8.self))
        }
    }
}
