import ServiceLifecycle
import Synchronization

/// Wakes consumers when messages may have arrived in their queue, so an idle consumer waits instead of polling.
///
/// Take a ``mark(_:)`` before looking at the queue, then ``wait(_:after:timeout:)`` with it: a ring between the two is
/// not missed.
///
/// ```swift
/// let mark = doorbell.mark("words")
/// if try await store.lease(from: "words", limit: 10, policy: policy).isEmpty {
///     await doorbell.wait("words", after: mark, timeout: .seconds(1))
/// }
/// ```
final class Doorbell: Sendable {
    /// The bell rung when a message's visibility moved later (a failure's retry, a release): the
    /// ``VisibilityWatcher`` looks again. (No queue name holds a NUL, so it is nobody's queue.)
    static let visibilityChanged = "\u{0}visibility"

    private struct State {
        var rings: [String: UInt64] = [:]
        var waiters: [String: [Int: CheckedContinuation<Void, Never>]] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// Creates a doorbell nobody waits at.
    init() {}

    /// How many times `queue`'s bell has rung so far.
    func mark(_ queue: String) -> UInt64 {
        state.withLock { $0.rings[queue, default: 0] }
    }

    /// Rings `queue`'s bell: wakes everyone waiting for it.
    func ring(_ queue: String) {
        let waiters = state.withLock { state in
            state.rings[queue, default: 0] += 1
            return state.waiters.removeValue(forKey: queue) ?? [:]
        }
        for continuation in waiters.values { continuation.resume() }
    }

    /// Returns once `queue`'s bell rang after `mark` was taken, `timeout` passed, the task is cancelled, or graceful
    /// shutdown begins, whichever comes first.
    func wait(_ queue: String, after mark: UInt64, timeout: Duration) async {
        guard timeout > .zero else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForRing(queue, after: mark) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForRing(_ queue: String, after mark: UInt64) async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let waiting = state.withLock { state in
                    // Already rung, cancelled or shutting down before registering: don't wait.
                    guard state.rings[queue, default: 0] == mark, !Task.isCancelled, !Task.isShuttingDownGracefully
                    else { return false }
                    state.waiters[queue, default: [:]][id] = continuation
                    return true
                }
                if !waiting { continuation.resume() }
            }
        } onCancelOrGracefulShutdown: {
            self.state.withLock { $0.waiters[queue]?.removeValue(forKey: id) }?.resume()
        }
    }
}
