import ArgumentParser
import Foundation
import Logging

/// `invoker nodes`: the invoker nodes that share a database, with their state and live workers, read from the database
/// itself (whether or not any node runs) or asked of a running invoker.
struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes",
        abstract: "List the invoker nodes sharing a database, with their state and workers.",
        discussion: "A node is up while it heartbeats (every second), gone after 10 seconds without a heartbeat, and"
            + " stopped once it shut down gracefully. WORKERS shows each function's starting/idle/busy workers."
    )

    @Option(
        help: ArgumentHelp(
            "The PostgreSQL database the nodes share, read directly.",
            discussion: "Defaults to the \(PostgresURL.environmentVariable) environment variable; without either,"
                + " the running invoker at --url is asked, which lists itself alone when it has no shared database.",
            valueName: "url"
        )
    )
    var database: String?

    /// The running invoker asked when no database is given.
    @OptionGroup var admin: AdminAPIOptions

    @Flag(help: "Print the JSON document of GET /system/nodes.")
    var json = false

    func run() async throws {
        let nodes: [NodeStatus]
        if let databaseURL = try DatabaseURLOption.resolve(database) {
            var logger = Logger(label: "invoker")
            logger.logLevel = .error
            let database = PostgresDatabase(url: databaseURL, logger: logger)
            try await database.migrate()
            nodes = try await database.withRunningClient { _ in
                try await NodeTable(database: database).list(goneAfter: NodeStatus.defaultGoneAfter, selfName: nil)
            }
        } else {
            let data = try await admin.client.get("system/nodes")
            nodes = try JSONDecoder().decode(NodeRoutes.Document.self, from: data).nodes
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(NodeRoutes.Document(nodes: nodes)), as: UTF8.self))
        } else {
            print(Self.table(nodes), terminator: "")
        }
    }

    /// The nodes as an aligned table, one row each.
    static func table(_ nodes: [NodeStatus]) -> String {
        guard !nodes.isEmpty else { return "No node has written a heartbeat to this database.\n" }
        let header = ["NAME", "ADDRESS", "STATE", "LAST-SEEN", "STARTED", "VERSION", "WORKERS"]
        let rows = nodes.map { node in
            [
                node.name, node.address, node.state.rawValue, ago(node.secondsSinceHeartbeat),
                // `2026-12-01T08:12:00.123Z` to the second: `2026-12-01T08:12:00Z`.
                node.startedAt.prefix(19) + "Z", node.version, workers(node.workers),
            ]
        }
        return AlignedTable.text(header, rows) + "\n"
    }

    /// `seconds` ago, to a tenth under ten seconds, else in its largest whole unit: `0.4s ago`, `12s ago`, `3m ago`.
    static func ago(_ seconds: Double) -> String {
        switch seconds {
        case ..<10: return String(format: "%.1fs ago", seconds)
        case ..<120: return "\(Int(seconds))s ago"
        case ..<7_200: return "\(Int(seconds / 60))m ago"
        case ..<172_800: return "\(Int(seconds / 3_600))h ago"
        default: return "\(Int(seconds / 86_400))d ago"
        }
    }

    /// Each function's `starting/idle/busy` workers, by name: `hello 0/2/1, resize 0/0/0`.
    static func workers(_ workers: [String: SystemRoutes.FunctionStatus.Workers]) -> String {
        guard !workers.isEmpty else { return "-" }
        return workers.sorted { $0.key < $1.key }.map { name, count in
            "\(name) \(count.starting)/\(count.idle)/\(count.busy)"
        }.joined(separator: ", ")
    }
}
