import Foundation

/// Renders queues and dead-lettered messages for `invoker queue`: aligned tables for people, JSON for scripts.
///
/// ```swift
/// print(QueueFormatter().table(try await store.statistics()))
/// ```
struct QueueFormatter {
    /// Formats times; its time zone is the system's unless a test sets one.
    let invocations: InvocationFormatter

    /// Creates a formatter that shows times in `timeZone`.
    init(timeZone: TimeZone = .current) {
        invocations = InvocationFormatter(timeZone: timeZone)
    }

    /// The queues as a table: QUEUE, FUNCTION, DEPTH, IN FLIGHT, DELAYED, DLQ, OLDEST.
    func table(_ queues: [QueueStatistics]) -> String {
        guard !queues.isEmpty else { return "No queues: no function has a queue trigger and nothing was queued." }
        let rows = queues.map { queue in
            [
                queue.name, queue.function ?? "-", "\(queue.depth)", "\(queue.inFlight)", "\(queue.delayed)",
                "\(queue.deadLetters)", queue.oldestAgeSeconds.map(Self.age) ?? "-",
            ]
        }
        return AlignedTable.text(["QUEUE", "FUNCTION", "DEPTH", "IN FLIGHT", "DELAYED", "DLQ", "OLDEST"], rows)
    }

    /// The dead-lettered messages as a table: ID, FAILED (local time), RECEIVES, ERROR, BODY (both shortened).
    func table(_ messages: [DeadLetter]) -> String {
        let rows = messages.map { message in
            [
                message.id, invocations.time(EpochTime.date(epochMs: message.failedAt)), "\(message.receiveCount)",
                Self.shorten(message.lastError, to: 60), Self.shorten(message.body.eventText, to: 40),
            ]
        }
        return AlignedTable.text(["ID", "FAILED", "RECEIVES", "ERROR", "BODY"], rows)
    }

    /// One dead-lettered message as a JSON object on one line: `id`, `queue`, `body` (base64 when `bodyEncoding` is
    /// `base64`), `attributes`, `sentAt`, `failedAt` (ISO 8601), `receiveCount`, `lastError`.
    func json(_ message: DeadLetter) throws -> String {
        struct Line: Encodable {
            var id: String
            var queue: String
            var body: String
            var bodyEncoding: String?
            var attributes: [String: MessageAttribute]
            var sentAt: Date
            var failedAt: Date
            var receiveCount: Int
            var lastError: String
        }
        let line = Line(
            id: message.id,
            queue: message.queue,
            body: message.body.eventText,
            bodyEncoding: message.body.isBinary ? "base64" : nil,
            attributes: message.attributes,
            sentAt: EpochTime.date(epochMs: message.sentAt),
            failedAt: EpochTime.date(epochMs: message.failedAt),
            receiveCount: message.receiveCount,
            lastError: message.lastError
        )
        return String(decoding: try invocations.encoder.encode(line), as: UTF8.self)
    }

    /// The queues as a JSON array, as `GET /system/queues` answers.
    func json(_ queues: [QueueStatistics]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(queues), as: UTF8.self)
    }

    /// An age in seconds, in the largest unit that keeps it readable: `850ms`, `12.5s`, `4m`, `3h`, `2d`.
    static func age(_ seconds: Double) -> String {
        switch seconds {
        case ..<1: "\(Int(seconds * 1000))ms"
        case ..<60: String(format: "%.1fs", seconds)
        case ..<3600: "\(Int(seconds / 60))m"
        case ..<86400: "\(Int(seconds / 3600))h"
        default: "\(Int(seconds / 86400))d"
        }
    }

    private static func shorten(_ text: String, to length: Int) -> String {
        let line = text.replacingOccurrences(of: "\n", with: " ")
        return line.count <= length ? line : line.prefix(length - 1) + "…"
    }
}
