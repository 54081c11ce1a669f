/// An error the invoker reports to a caller or a user, with a code that decides how it is presented.
///
/// ```swift
/// throw InvokerError(.functionNotFound, "no function named \"resize\"")
/// ```
struct InvokerError: Error, Sendable, CustomStringConvertible {
    /// What kind of error this is; each maps to one HTTP status.
    enum Code: String, Sendable {
        /// The request names a function the manifest does not define.
        case functionNotFound
        /// The request names something else that does not exist (an invocation, a queue).
        case notFound
        /// The function's workers are all busy and its wait queue is full, or the wait took too long.
        case throttled
        /// The request body is larger than the invoker accepts.
        case payloadTooLarge
        /// The request is malformed.
        case invalidRequest
        /// A worker could not be started or failed to initialise.
        case workerFailed
        /// The invoker is shutting down and takes no new invocations.
        case shuttingDown
        /// The function's workers keep failing; the pool is backing off before it tries again.
        case functionFailing
        /// Configuration or environment problems found at start-up.
        case configuration
        /// The shared database does not answer (it is down, restarting or out of reach).
        case databaseUnavailable
    }

    /// What kind of error this is.
    var code: Code
    /// What went wrong, for the user; never internal details or secrets.
    var message: String
    /// The function's own error behind this one, if any: the last failure of a function that keeps failing.
    var cause: WorkerError?

    /// Creates an error.
    init(_ code: Code, _ message: String, cause: WorkerError? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    var description: String { message }
}
