import Foundation

/// Which invocations a listing shows; an empty filter shows them all.
///
/// ```swift
/// let failures = InvocationFilter(function: "hello", statuses: [.error, .timeout, .crash])
/// ```
struct InvocationFilter: Sendable, Equatable {
    /// Only invocations of this function.
    var function: String?
    /// Only invocations that ended with one of these statuses; empty means any status.
    var statuses: Set<InvocationRecord.Status> = []
    /// Only invocations with this trigger.
    var trigger: InvocationRecord.Trigger?
    /// Only invocations that started at or after this time.
    var since: Date?
    /// Only invocations that started before this time.
    var until: Date?

    /// Creates a filter; every criterion left out matches everything.
    init(
        function: String? = nil,
        statuses: Set<InvocationRecord.Status> = [],
        trigger: InvocationRecord.Trigger? = nil,
        since: Date? = nil,
        until: Date? = nil
    ) {
        self.function = function
        self.statuses = statuses
        self.trigger = trigger
        self.since = since
        self.until = until
    }

    /// Whether the filter matches every invocation.
    var isEmpty: Bool {
        self == InvocationFilter()
    }
}
