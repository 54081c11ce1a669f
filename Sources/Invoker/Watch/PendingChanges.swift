/// The changed paths gathered since the last settled change set, and when they settle: once no change has come for
/// the quiet period. Pure: the time is passed in, so ``ChangeDebouncer``'s rule is tested without a clock.
struct PendingChanges<Instant: InstantProtocol> {
    /// How long no change must come before the gathered ones settle.
    let quietPeriod: Instant.Duration
    /// The paths gathered so far.
    private(set) var paths: Set<String> = []
    /// When the gathered paths settle if nothing else changes; `nil` when none are gathered.
    private(set) var deadline: Instant?

    /// Creates an empty set of changes that settle after `quietPeriod`.
    init(quietPeriod: Instant.Duration) {
        self.quietPeriod = quietPeriod
    }

    /// Gathers a change to `path` at `now`, which puts the deadline off. Returns whether it is the first of a set.
    mutating func record(_ path: String, at now: Instant) -> Bool {
        paths.insert(path)
        defer { deadline = now.advanced(by: quietPeriod) }
        return deadline == nil
    }

    /// The settled change set if the deadline has passed at `now` (and empties the gathered paths), else `nil`.
    mutating func settle(at now: Instant) -> Set<String>? {
        guard let deadline, deadline <= now else { return nil }
        return takeAll()
    }

    /// The gathered paths whether settled or not (nothing more will change), or `nil` when there are none.
    mutating func takeAll() -> Set<String>? {
        guard deadline != nil else { return nil }
        defer {
            paths = []
            deadline = nil
        }
        return paths
    }
}
