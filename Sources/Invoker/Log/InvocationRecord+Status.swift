extension InvocationRecord {
    /// How an invocation ended.
    enum Status: String, Codable, Sendable, CaseIterable {
        /// The function returned a response.
        case success
        /// The function reported an error.
        case error
        /// The function ran past its timeout and its worker was killed.
        case timeout
        /// The worker exited or was killed by a signal during the invocation.
        case crash
        /// No worker was free and the wait queue was full: the caller got a 429.
        case throttled
        /// The route's authorizer refused the caller (401 or 403); no worker was involved.
        case unauthorized

        /// The statuses of invocations that did not succeed, which `invoker logs --errors` shows.
        static let failures: Set<Status> = [.error, .timeout, .crash, .throttled, .unauthorized]
    }
}
