/// A function's last ``capacity`` seconds, one ``SecondSlot`` each, in a fixed-size ring: the slot of second `s` is
/// `s % capacity`, and a slot that still holds an older second is cleared when a newer one arrives. Memory stays
/// the same however long the invoker runs; seconds without invocations cost no duration buckets.
///
/// ```swift
/// var ring = SeriesRing()
/// ring.record(.success, milliseconds: 1.8, cold: false, second: now)
/// let lastMinute = ring.summary(seconds: 60, endingAt: now)
/// ```
struct SeriesRing: Sendable {
    /// 15 minutes at one-second resolution.
    static let defaultCapacity = 900

    /// How many seconds the ring keeps.
    let capacity: Int
    private var slots: [SecondSlot]

    /// An empty ring that keeps `capacity` seconds.
    init(capacity: Int = Self.defaultCapacity) {
        precondition(capacity > 0, "a ring keeps at least one second, not \(capacity)")
        self.capacity = capacity
        slots = Array(repeating: SecondSlot(second: -1), count: capacity)
    }

    /// Counts an invocation that ended during `second` with `status` after running `milliseconds`. A second older
    /// than the ring keeps is ignored.
    mutating func record(_ status: InvocationRecord.Status, milliseconds: Double, cold: Bool, second: Int64) {
        update(second) { slot in
            slot.statuses[status] += 1
            // A refused caller ran nothing: its zero duration would pull the percentiles down.
            if status != .unauthorized { slot.durations.add(milliseconds: milliseconds) }
            if cold { slot.coldStarts += 1 }
        }
    }

    /// Notes the live workers seen during `second`.
    mutating func sample(_ workers: WorkerCounts, second: Int64) {
        update(second) { $0.workers = workers }
    }

    /// The slot of `second`: empty when nothing happened then or the ring no longer keeps it.
    func slot(_ second: Int64) -> SecondSlot {
        let slot = slots[index(of: second)]
        return slot.second == second ? slot : SecondSlot(second: second)
    }

    /// The `count` seconds that end with `last`, oldest first (at most ``capacity``).
    func slots(count: Int, endingAt last: Int64) -> [SecondSlot] {
        let count = min(count, capacity)
        return (0..<count).map { offset in slot(last - Int64(count - 1 - offset)) }
    }

    /// The invocations of the `seconds` seconds that end with `last`.
    func summary(seconds: Int, endingAt last: Int64) -> WindowSummary {
        WindowSummary(slots(count: seconds, endingAt: last), seconds: min(seconds, capacity))
    }

    private func index(of second: Int64) -> Int {
        Int(((second % Int64(capacity)) + Int64(capacity)) % Int64(capacity))
    }

    /// Changes the slot of `second`, clearing it first when it holds an older second.
    private mutating func update(_ second: Int64, _ change: (inout SecondSlot) -> Void) {
        let index = index(of: second)
        if slots[index].second != second {
            guard slots[index].second < second else { return }
            slots[index] = SecondSlot(second: second)
        }
        change(&slots[index])
    }
}
