import Foundation
import Synchronization

/// This invoker's name among the nodes that share a database: `--node-name`, or `hostname:port` with the port the
/// HTTP server actually listens on (known only once it listens when the configured port is 0); its address
/// (`http://host:port`, for the other nodes and the operator) and when it started.
///
/// Records, heartbeats and log messages read ``name`` when they are made; before the server listens, a default name
/// and address carry the configured port.
///
/// ```swift
/// let node = NodeIdentity(configured: nil, host: "0.0.0.0", port: 0)
/// node.listening(on: 51234)  // from the server's `onServerRunning`
/// node.name                  // "builder-3:51234"
/// node.address               // "http://builder-3:51234"
/// ```
final class NodeIdentity: Sendable {
    /// Whether the name was given (`--node-name`) rather than derived from the host and port.
    let isConfigured: Bool
    /// When the node started.
    let startedAt = Date()
    /// The host the address names: the configured one, or the machine's name when the server listens on every
    /// interface.
    private let addressHost: String
    private let current: Mutex<(name: String, address: String)>
    /// Finished once the server listens.
    private let listened = AsyncStream<Void>.makeStream()

    /// A node named `configured`, or `hostname:port` when nil, whose server binds `host`.
    init(configured: String?, host: String, port: Int) {
        isConfigured = configured != nil
        addressHost = Self.addressHost(host)
        current = Mutex((configured ?? Self.defaultName(port: port), Self.address(host: addressHost, port: port)))
    }

    /// The node's name now.
    var name: String {
        current.withLock { $0.name }
    }

    /// The node's HTTP address now, `http://host:port`.
    var address: String {
        current.withLock { $0.address }
    }

    /// Settles the address, and a derived name, on the port the server listens on; a configured name stays as it is.
    func listening(on port: Int) {
        current.withLock { current in
            if !isConfigured { current.name = Self.defaultName(port: port) }
            current.address = Self.address(host: addressHost, port: port)
        }
        listened.continuation.finish()
    }

    /// Returns once the server listens (at once if it does already), or when the task is cancelled. For one waiter
    /// at a time: the heartbeat.
    func untilListening() async {
        for await _ in listened.stream {}
    }

    /// `hostname:port`.
    private static func defaultName(port: Int) -> String {
        "\(ProcessInfo.processInfo.hostName):\(port)"
    }

    /// `http://host:port`, with an IPv6 literal in brackets.
    private static func address(host: String, port: Int) -> String {
        "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// The host others reach a server bound to `host` at: the machine's name for the wildcard addresses.
    private static func addressHost(_ host: String) -> String {
        ["0.0.0.0", "::", "[::]", ""].contains(host) ? ProcessInfo.processInfo.hostName : host
    }
}
