import Foundation
import NIOCore
import ServiceLifecycle

/// The server-sent events the open dashboard pages follow (`GET /system/events`):
///
/// - `event: invocation`: each invocation as it ends (an ``InvocationSummary``), within a quarter second;
/// - `event: stats`: once a second, the ``DashboardSnapshot``: workers, the windows' figures, the last second of
///   each function's time series, the queues and the nodes.
///
/// The stream only reads what ``LiveActivity`` keeps, so it adds nothing to the request path. It is pulled, one
/// chunk of events at a time, by the response writer: it ends on graceful shutdown, and when the client has gone
/// (the writer's next write fails).
struct DashboardEventStream: AsyncSequence, Sendable {
    /// How often the stream looks for new invocations.
    static let interval: Duration = .milliseconds(250)
    /// Every how many looks it also sends `stats`: once a second.
    static let statsEvery = 4
    /// The most invocations one look sends: the newest (a page shows only the latest anyway).
    static let invocationsPerLook = 25

    /// What the events tell.
    let dashboard: Dashboard

    func makeAsyncIterator() -> Iterator {
        Iterator(dashboard: dashboard, sent: dashboard.activity.lastSequence)
    }

    /// Produces the chunks of events.
    struct Iterator: AsyncIteratorProtocol {
        /// What the events tell.
        let dashboard: Dashboard
        /// The sequence number of the last invocation sent.
        var sent: Int
        private var looks = 0
        private let encoder: JSONEncoder = {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return encoder
        }()

        init(dashboard: Dashboard, sent: Int) {
            self.dashboard = dashboard
            self.sent = sent
        }

        /// The next events, once there are any; nil on graceful shutdown or cancellation.
        mutating func next() async throws -> ByteBuffer? {
            if looks == 0 {
                looks = 1
                // How long a browser waits before it reconnects, then the current state at once.
                return ByteBuffer(string: "retry: 2000\n\n" + (try event("stats", await dashboard.snapshot())))
            }
            while true {
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: DashboardEventStream.interval) }
                } catch {
                    return nil
                }
                var text = ""
                if looks % DashboardEventStream.statsEvery == 0 {
                    text += try event("stats", await dashboard.snapshot())
                }
                looks += 1
                let newer = dashboard.activity.invocations(
                    after: sent,
                    limit: DashboardEventStream.invocationsPerLook
                )
                if let last = newer.last {
                    sent = last.sequence
                    text += try newer.map { try event("invocation", $0) }.joined()
                }
                if !text.isEmpty { return ByteBuffer(string: text) }
            }
        }

        private func event(_ name: String, _ value: some Encodable) throws -> String {
            "event: \(name)\ndata: \(String(decoding: try encoder.encode(value), as: UTF8.self))\n\n"
        }
    }
}
