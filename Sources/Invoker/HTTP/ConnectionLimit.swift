import HummingbirdCore
import Logging

/// Caps the HTTP connections open at once so that they can never take the descriptors the rest of the invoker needs
/// (workers, their pipes, the databases, the runtime's own: libdispatch crashes the process when it cannot open a
/// file). At the cap the server stops accepting, leaving new connections in the listen backlog, and accepts again
/// as soon as one closes; reaching the cap is logged once each time and counted in `/metrics`.
struct ConnectionLimit: AvailableConnectionsDelegate {
    /// The most connections open at once.
    let limit: Int
    private let metrics: InvokerMetrics
    private let logger: Logger
    private var open = 0
    private var atLimit = false

    init(limit: Int, metrics: InvokerMetrics, logger: Logger) {
        self.limit = limit
        self.metrics = metrics
        self.logger = logger
    }

    /// The default cap: half the descriptors the process may open, the other half for everything else.
    static var machineDefault: Int {
        max(16, Int(min(DescriptorLimit.current.soft, UInt64(Int.max))) / 2)
    }

    mutating func connectionOpened() {
        open += 1
        if open >= limit, !atLimit {
            atLimit = true
            metrics.connectionLimitReached()
            logger.warning(
                "at the connection limit: not accepting new connections until one closes",
                metadata: ["limit": "\(limit)"]
            )
        }
    }

    mutating func connectionClosed() {
        open -= 1
        if atLimit, open < limit {
            atLimit = false
            logger.notice("below the connection limit: accepting connections again")
        }
    }

    func isAcceptingNewConnections() -> Bool {
        open < limit
    }
}
