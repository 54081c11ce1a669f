import Synchronization

/// Turns a stream of changed paths (a ``FileWatcher``'s) into settled change sets: the paths changed since the last
/// set, delivered once no change has come for the quiet period, so that an editor's save (a temporary file, a rename,
/// a backup) or a burst of writes makes one set. It does not say what the paths mean; its caller decides.
///
/// ```swift
/// try await ChangeDebouncer().forEachSettledSet(of: watcher.changes) { paths in … }
/// ```
struct ChangeDebouncer<C: Clock<Duration>>: Sendable {
    /// How long no change must come before the changes gathered settle.
    var quietPeriod: Duration
    /// The clock the quiet period is measured on.
    var clock: C

    /// Creates a debouncer that settles changes after `quietPeriod` on `clock`.
    init(quietPeriod: Duration = .milliseconds(200), clock: C) {
        self.quietPeriod = quietPeriod
        self.clock = clock
    }

    /// Calls `body` with each settled change set of `changes`, one call at a time (changes during a call gather for
    /// the next), until `changes` ends (what is gathered then is still delivered) or the task is cancelled.
    func forEachSettledSet<Changes: AsyncSequence<String, Never> & Sendable>(
        of changes: Changes,
        _ body: (Set<String>) async throws -> Void
    ) async throws {
        let pending = Shared(PendingChanges<C.Instant>(quietPeriod: quietPeriod))
        // Wakes the delivering loop below when a set starts gathering, and when the changes end.
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { [clock] in
                for await path in changes {
                    if pending.state.withLock({ $0.record(path, at: clock.now) }) { wake.yield() }
                }
                wake.finish()
            }
            for await _ in wakeups {
                while let deadline = pending.state.withLock({ $0.deadline }) {
                    do { try await clock.sleep(until: deadline, tolerance: nil) } catch { return }
                    if let paths = pending.state.withLock({ $0.settle(at: clock.now) }) { try await body(paths) }
                }
            }
            if let paths = pending.state.withLock({ $0.takeAll() }) { try await body(paths) }
        }
    }
}

extension ChangeDebouncer where C == ContinuousClock {
    /// Creates a debouncer that settles changes after `quietPeriod`.
    init(quietPeriod: Duration = .milliseconds(200)) {
        self.init(quietPeriod: quietPeriod, clock: ContinuousClock())
    }
}

/// The gathered changes, shared by the task reading the changes and the one delivering the sets.
private final class Shared<Instant: InstantProtocol>: Sendable {
    let state: Mutex<PendingChanges<Instant>>

    init(_ pending: PendingChanges<Instant>) {
        state = Mutex(pending)
    }
}
