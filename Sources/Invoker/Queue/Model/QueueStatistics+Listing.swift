extension QueueStatistics {
    /// Whether the queue and its dead-letter queue hold nothing.
    var isEmpty: Bool {
        depth == 0 && inFlight == 0 && delayed == 0 && deadLetters == 0
    }

    /// The statistics of a queue that holds messages but that no registered function consumes.
    static func unregistered(_ name: String) -> QueueStatistics {
        QueueStatistics(name: name, depth: 0, inFlight: 0, delayed: 0, deadLetters: 0)
    }

    /// The queues as a store lists them: by name, functions' asynchronous queues last and only once used.
    static func listing(_ queues: some Sequence<QueueStatistics>) -> [QueueStatistics] {
        queues.filter { $0.kind != .async || !$0.isEmpty }.sorted {
            ($0.kind == .async ? 1 : 0, $0.name) < ($1.kind == .async ? 1 : 0, $1.name)
        }
    }
}
