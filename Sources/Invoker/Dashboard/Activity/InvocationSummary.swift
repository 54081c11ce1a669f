import Foundation

/// The few fields of an invocation that the dashboard's live lists show, as the event stream sends them.
struct InvocationSummary: Codable, Sendable, Equatable {
    /// Its position among every invocation the invoker saw: later invocations have larger ones.
    var sequence: Int
    /// The invocation's id.
    var id: String
    /// The function.
    var function: String
    /// What caused it.
    var trigger: InvocationRecord.Trigger
    /// How it ended.
    var status: InvocationRecord.Status
    /// The HTTP status answered, when it came over HTTP.
    var httpStatus: Int?
    /// How long it ran, in milliseconds.
    var durationMs: Double
    /// Whether it started a worker.
    var cold: Bool
    /// When it started, in milliseconds since the Unix epoch.
    var startedAtMs: Int64

    /// The summary of `record`, the `sequence`th invocation.
    init(_ record: InvocationRecord, sequence: Int) {
        self.sequence = sequence
        id = record.id
        function = record.function
        trigger = record.trigger
        status = record.status
        httpStatus = record.httpStatus
        durationMs = record.durationMs
        cold = record.cold
        startedAtMs = Int64((record.startedAt.timeIntervalSince1970 * 1000).rounded())
    }
}
