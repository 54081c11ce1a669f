/// A task suspended on a continuation that a test hands to the code under test, to see how that code resumes it.
///
/// ```swift
/// let caller = await SuspendedCaller<Void>.make()
/// state.register(caller.continuation)
/// #expect(try await caller.value == ())
/// ```
struct SuspendedCaller<Value: Sendable>: Sendable {
    /// The continuation the task waits on; resume it exactly once.
    let continuation: CheckedContinuation<Value, any Error>
    /// The waiting task.
    let task: Task<Value, any Error>

    /// Starts a task waiting on a new continuation and returns once the continuation exists.
    static func make() async -> SuspendedCaller {
        let (continuations, handOut) = AsyncStream.makeStream(of: CheckedContinuation<Value, any Error>.self)
        let task = Task {
            try await withCheckedThrowingContinuation { continuation in
                handOut.yield(continuation)
                handOut.finish()
            }
        }
        var iterator = continuations.makeAsyncIterator()
        guard let continuation = await iterator.next() else { preconditionFailure("the task yields its continuation") }
        return SuspendedCaller(continuation: continuation, task: task)
    }

    /// What the task got: the value the continuation was resumed with, or the error.
    var result: Result<Value, any Error> {
        get async { await task.result }
    }
}
