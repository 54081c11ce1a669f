import Foundation
import Synchronization

@testable import Invoker

/// A ``ScheduleClock`` that moves only when a test moves it: sleepers wake when ``advance(to:)`` passes their
/// deadline, and a test waits (``waitForSleeper(until:)``) until the scheduler sleeps, which says it has done all it
/// had to do until then.
final class TestScheduleClock: ScheduleClock {
    private struct Sleeper {
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleepers: [Int: Sleeper] = [:]
        var nextID = 0
    }

    private let state: Mutex<State>

    /// A clock that reads `start`.
    init(_ start: Date) {
        state = Mutex(State(now: start))
    }

    var now: Date { state.withLock { $0.now } }

    func sleep(until deadline: Date) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let resume { continuation.resume(with: resume) }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Sets the time to `date` and wakes the sleepers whose deadline it reached.
    func advance(to date: Date) {
        let due = state.withLock { state in
            state.now = date
            let due = state.sleepers.filter { $0.value.deadline <= date }
            for id in due.keys { state.sleepers.removeValue(forKey: id) }
            return due.values.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    /// How many sleeps have begun so far: pass it to ``waitForSleepers(until:count:after:timeout:)`` to wait for a
    /// sleep that begins later.
    var sleeps: Int { state.withLock { $0.nextID } }

    /// Waits until `count` tasks sleep until `deadline`, counting only sleeps begun after `mark` sleeps (``sleeps``);
    /// returns false if they do not within `timeout` (real time).
    func waitForSleepers(
        until deadline: Date,
        count: Int = 1,
        after mark: Int = 0,
        timeout: Duration = .seconds(10)
    ) async -> Bool {
        await eventually(timeout: timeout) {
            state.withLock { $0.sleepers.filter { $0.key >= mark && $0.value.deadline == deadline }.count >= count }
        }
    }
}
