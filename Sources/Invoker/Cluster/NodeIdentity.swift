import Foundation
import Synchronization

/// This invoker's name among the nodes that share a database: `--node-name`, or `hostname:port` with the port the
/// HTTP server actually listens on (known only once it listens when the configured port is 0).
///
/// Records, heartbeats and log messages read ``name`` when they are made; before the server listens, a default name
/// carries the configured port.
///
/// ```swift
/// let node = NodeIdentity(configured: nil, port: 0)
/// node.listening(on: 51234)  // from the server's `onServerRunning`
/// node.name                  // "builder-3:51234"
/// ```
final class NodeIdentity: Sendable {
    /// Whether the name was given (`--node-name`) rather than derived from the host and port.
    let isConfigured: Bool
    private let current: Mutex<String>

    /// A node named `configured`, or `hostname:port` when nil.
    init(configured: String?, port: Int) {
        isConfigured = configured != nil
        current = Mutex(configured ?? Self.defaultName(port: port))
    }

    /// The node's name now.
    var name: String {
        current.withLock { $0 }
    }

    /// Settles a derived name on the port the server listens on; a configured name stays as it is.
    func listening(on port: Int) {
        guard !isConfigured else { return }
        current.withLock { $0 = Self.defaultName(port: port) }
    }

    /// `hostname:port`.
    private static func defaultName(port: Int) -> String {
        "\(ProcessInfo.processInfo.hostName):\(port)"
    }
}
