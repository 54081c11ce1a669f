import Foundation

/// The rows the templates show, made from the invoker's types: dictionaries of display strings, so every number is
/// written once (``DashboardFormat``) and the templates stay logic-less.
enum DashboardRows {
    /// A row of an invocation list.
    static func invocation(_ record: InvocationRecord) -> [String: Any] {
        [
            "id": record.id,
            "function": record.function,
            "trigger": record.trigger.rawValue,
            "status": record.status.rawValue,
            "failed": record.status != .success,
            "httpStatus": record.httpStatus.map(String.init) ?? "",
            "duration": DashboardFormat.milliseconds(record.durationMs),
            "cold": record.cold,
            "time": DashboardFormat.time(record.startedAt),
        ]
    }

    /// A row of the overview's function table.
    static func function(_ function: DashboardSnapshot.Function) -> [String: Any] {
        var triggers = function.routes
        if let queue = function.queue { triggers.append("queue \(queue)") }
        return [
            "name": function.name,
            "triggers": triggers.isEmpty ? "–" : triggers.joined(separator: ", "),
            "starting": function.workers.starting,
            "idle": function.workers.idle,
            "busy": function.workers.busy,
            "minWorkers": function.minWorkers,
            "maxWorkers": function.maxWorkers,
            "breaker": function.breaker,
            "breakerTripped": function.breaker != "closed",
            "minute": window(function.lastMinute),
            "quarter": window(function.last15Minutes),
        ]
    }

    /// The figures of a window.
    static func window(_ summary: WindowSummary) -> [String: Any] {
        [
            "rps": DashboardFormat.rate(summary.requestsPerSecond),
            "errorRate": DashboardFormat.percent(summary.errorRate),
            "p50": DashboardFormat.milliseconds(summary.p50),
            "p99": DashboardFormat.milliseconds(summary.p99),
            "coldShare": DashboardFormat.percent(summary.coldShare),
        ]
    }

    /// A row of a queue table.
    static func queue(_ queue: QueueStatistics) -> [String: Any] {
        [
            "name": queue.name,
            "function": queue.function ?? "–",
            "depth": queue.depth,
            "inFlight": queue.inFlight,
            "delayed": queue.delayed,
            "deadLetters": queue.deadLetters,
            "hasDeadLetters": queue.deadLetters > 0,
            "oldest": DashboardFormat.age(queue.oldestAgeSeconds),
        ]
    }

    /// A row of the node table.
    static func node(_ node: NodeStatus) -> [String: Any] {
        [
            "name": node.name,
            "address": node.address,
            "state": node.state.rawValue,
            "version": node.version,
            "heartbeat": DashboardFormat.age(node.secondsSinceHeartbeat),
            "isSelf": node.isSelf,
            "workers": node.workers.values.reduce(0) { $0 + $1.idle + $1.busy + $1.starting },
        ]
    }

    /// `value` as JSON for a `<script type="application/json">` block: `<` escaped, so no text in it can end the
    /// block.
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        return text.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }
}
