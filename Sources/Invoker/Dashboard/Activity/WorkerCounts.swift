/// A function's live workers by state at one instant.
struct WorkerCounts: Codable, Sendable, Equatable {
    /// Spawned, not yet ready.
    var starting = 0
    /// Waiting for work.
    var idle = 0
    /// Running an invocation.
    var busy = 0
}
