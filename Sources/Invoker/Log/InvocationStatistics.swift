/// What the invocation log says about one function over a period: counts, rates and latency percentiles, as
/// `invoker stats` shows them.
///
/// Rates are shares of ``invocations``. Percentiles use the nearest-rank method: the p-th percentile of n values is
/// the smallest value such that at least p% of the values are less than or equal to it, that is the value of rank
/// ⌈p·n/100⌉ in ascending order; it is always one of the recorded values, never an interpolation. Of the durations
/// 1…100 ms, p50 is 50, p95 is 95 and p99 is 99; of 1, 2 and 3 ms, p50 is 2 and p95 and p99 are 3. Duration and
/// wait percentiles are over the invocations that reached a worker (every status but `throttled`); the init duration
/// percentile is over the cold starts. A percentile with no values to rank is nil.
///
/// ```swift
/// let hello = try await store.statistics(filter: InvocationFilter(function: "hello", since: lastHour)).first
/// print(hello?.durationP99Ms ?? 0)
/// ```
struct InvocationStatistics: Codable, Sendable, Equatable {
    /// The function's name.
    var function: String
    /// How many invocations were recorded.
    var invocations: Int
    /// How many ended with status `error`: the function reported an error, or its worker failed to start.
    var errors: Int
    /// ``errors`` as a share of ``invocations``, from 0 to 1.
    var errorRate: Double
    /// How many ended with status `timeout`.
    var timeouts: Int
    /// How many ended with status `crash`.
    var crashes: Int
    /// How many ended with status `throttled`: rejected without running.
    var throttles: Int
    /// How many started a new worker.
    var coldStarts: Int
    /// ``coldStarts`` as a share of ``invocations``, from 0 to 1.
    var coldStartShare: Double
    /// The median time the function ran, in milliseconds.
    var durationP50Ms: Double?
    /// The 95th percentile of the time the function ran, in milliseconds.
    var durationP95Ms: Double?
    /// The 99th percentile of the time the function ran, in milliseconds.
    var durationP99Ms: Double?
    /// The median time a new worker took to start, over cold starts, in milliseconds.
    var initDurationP50Ms: Double?
    /// The median time invocations waited for a worker, in milliseconds.
    var waitP50Ms: Double?

    /// The snake_case names used in JSON, like the invocation log's columns.
    enum CodingKeys: String, CodingKey {
        case function
        case invocations
        case errors
        case errorRate = "error_rate"
        case timeouts
        case crashes
        case throttles
        case coldStarts = "cold_starts"
        case coldStartShare = "cold_start_share"
        case durationP50Ms = "duration_p50_ms"
        case durationP95Ms = "duration_p95_ms"
        case durationP99Ms = "duration_p99_ms"
        case initDurationP50Ms = "init_duration_p50_ms"
        case waitP50Ms = "wait_p50_ms"
    }
}
