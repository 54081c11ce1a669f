extension ScheduleDefinition {
    /// The schedule's slots strictly after `afterMs` and at or before `throughMs` (milliseconds since the Unix
    /// epoch), oldest first, at most `limit` of them.
    func slots(afterMs: Int64, throughMs: Int64, limit: Int = .max) -> [Int64] {
        var slots: [Int64] = []
        var cursor = afterMs
        while slots.count < limit, let next = nextSlot(afterMs: cursor), next <= throughMs {
            slots.append(next)
            cursor = next
        }
        return slots
    }

    /// The first slot strictly after `afterMs`, in milliseconds since the Unix epoch; nil when none is left.
    func nextSlot(afterMs: Int64) -> Int64? {
        expression.nextFire(afterEpochSeconds: afterMs.floorDivided(by: 1000), in: timeZone).map { $0 * 1000 }
    }

    /// The slots to fire on start, oldest first: those after `lastFiredMs` (the latest recorded firing) up to `nowMs`
    /// and within ``maximumWindow`` of it, as ``catchUp`` picks them. A recurring schedule that never fired
    /// (`lastFiredMs` nil) is new and has none; a one-time schedule that never fired has its slot, if it is within the
    /// window: it never fires otherwise.
    func missedSlots(lastFiredMs: Int64?, nowMs: Int64) -> [Int64] {
        guard catchUp != .none else { return [] }
        var since = lastFiredMs
        if case .at = expression, since == nil {
            since = .min
        }
        guard let since else { return [] }
        let oldest = max(since, nowMs - maximumWindow.wholeMilliseconds - 1)
        let missed = slots(afterMs: oldest, throughMs: nowMs)
        switch catchUp {
        case .none: return []
        case .latest: return missed.last.map { [$0] } ?? []
        case .all: return missed
        }
    }
}
