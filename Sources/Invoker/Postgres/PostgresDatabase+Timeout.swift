import PostgresNIO
import Synchronization

extension PostgresDatabase {
    /// Runs `body` with the connection pool, and throws a ``SharedDatabaseError`` (`unreachable`) naming the database
    /// when it does not finish within `timeout`: the pool waits for a connection as long as the database is down, and
    /// neither a request nor a caller on a schedule may wait that long. Errors of `body` pass through.
    ///
    /// The caller resumes at the timeout even when `body` does not end once cancelled (a statement on a connection
    /// whose server vanished under it was seen to wait for ever): `body` is cancelled and left to end on its own, so
    /// what it was doing may still complete after its caller was told that it failed.
    func withClient<Value: Sendable>(
        timeout: Duration,
        _ body: @escaping @Sendable (PostgresClient) async throws -> Value
    ) async throws -> Value {
        let client = self.client
        let timedOut = SharedDatabaseError(
            .unreachable,
            "the database \(url.location) did not answer within \(timeout)"
        )
        let race = TimedRace<Value>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let operation = Task {
                    do {
                        race.finish(with: .success(try await body(client)))
                    } catch {
                        race.finish(with: .failure(error))
                    }
                }
                let timer = Task {
                    try await Task.sleep(for: timeout)
                    race.finish(with: .failure(timedOut))
                }
                race.start(continuation, operation: operation, timer: timer)
            }
        } onCancel: {
            race.finish(with: .failure(CancellationError()))
        }
    }
}

/// An operation raced against its timeout and its caller's cancellation: the caller resumes once, with the first
/// outcome; an operation that lost is cancelled, and the timer is stopped.
private final class TimedRace<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var operation: Task<Void, Never>?
        var timer: Task<Void, any Error>?
        /// The outcome that came before the caller started waiting (its cancellation), or nil.
        var early: Result<Value, any Error>?
        var finished = false
    }

    private let state = Mutex(State())

    /// The caller waits on `continuation` for the outcome of `operation`, which `timer` bounds.
    func start(
        _ continuation: CheckedContinuation<Value, any Error>,
        operation: Task<Void, Never>,
        timer: Task<Void, any Error>
    ) {
        let early = state.withLock { state in
            (state.continuation, state.operation, state.timer) = (continuation, operation, timer)
            return state.early
        }
        if let early { finish(with: early) }
    }

    /// Resumes the caller with `result` unless another outcome came first.
    func finish(with result: Result<Value, any Error>) {
        let resumed = state.withLock {
            state -> (CheckedContinuation<Value, any Error>, Task<Void, Never>?, Task<Void, any Error>?)? in
            guard !state.finished else { return nil }
            guard let continuation = state.continuation else {
                state.early = state.early ?? result
                return nil
            }
            state.finished = true
            return (continuation, state.operation, state.timer)
        }
        guard let (continuation, operation, timer) = resumed else { return }
        timer?.cancel()
        if case .failure = result { operation?.cancel() }
        continuation.resume(with: result)
    }
}
