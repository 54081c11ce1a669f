import NIOCore

/// The newest invocations, in a bounded ring: what the event stream sends to the open dashboards. Writers only
/// append; each reader remembers the last ``InvocationSummary/sequence`` it sent and asks for the ones after it.
struct RecentInvocations: Sendable {
    /// How many invocations are kept.
    let capacity: Int
    private var summaries: CircularBuffer<InvocationSummary>
    private var nextSequence = 1

    /// An empty ring of `capacity` invocations.
    init(capacity: Int) {
        self.capacity = capacity
        summaries = CircularBuffer(initialCapacity: capacity)
    }

    /// The sequence number of the newest invocation; 0 before the first.
    var lastSequence: Int { nextSequence - 1 }

    /// Keeps `record`, dropping the oldest invocation when the ring is full.
    mutating func append(_ record: InvocationRecord) {
        if summaries.count == capacity { summaries.removeFirst() }
        summaries.append(InvocationSummary(record, sequence: nextSequence))
        nextSequence += 1
    }

    /// The invocations after sequence number `sequence`, oldest first, at most the newest `limit`.
    func after(_ sequence: Int, limit: Int) -> [InvocationSummary] {
        let newer = min(summaries.count, max(0, lastSequence - sequence))
        return Array(summaries.suffix(min(newer, limit)))
    }
}
