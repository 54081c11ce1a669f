/// How many invocations ended with each status.
struct StatusCounts: Codable, Sendable, Equatable {
    var success = 0
    var error = 0
    var timeout = 0
    var crash = 0
    var throttled = 0
    var unauthorized = 0

    /// Every invocation counted.
    var total: Int { success + error + timeout + crash + throttled + unauthorized }
    /// The invocations that did not succeed.
    var failures: Int { total - success }

    /// The count of `status`.
    subscript(status: InvocationRecord.Status) -> Int {
        get {
            switch status {
            case .success: success
            case .error: error
            case .timeout: timeout
            case .crash: crash
            case .throttled: throttled
            case .unauthorized: unauthorized
            }
        }
        set {
            switch status {
            case .success: success = newValue
            case .error: error = newValue
            case .timeout: timeout = newValue
            case .crash: crash = newValue
            case .throttled: throttled = newValue
            case .unauthorized: unauthorized = newValue
            }
        }
    }

    /// Adds the counts of `other`.
    mutating func add(_ other: StatusCounts) {
        for status in InvocationRecord.Status.allCases {
            self[status] += other[status]
        }
    }
}
