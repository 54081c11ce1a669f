/// An error of the queue: what was wrong and where.
struct QueueError: Error, Sendable, CustomStringConvertible {
    /// What kind of error this is.
    enum Code: String, Sendable {
        /// No function consumes the named queue.
        case queueNotFound
        /// A message id is not where it was looked for.
        case messageNotFound
        /// A message or its attributes are malformed.
        case invalidMessage
        /// The message is larger than the queue accepts.
        case messageTooLarge
        /// The queue database cannot be opened or is not a queue database.
        case cannotOpen
        /// The queue database failed to store or read messages.
        case storageFailed
    }

    /// What kind of error this is.
    var code: Code
    /// What went wrong, for people.
    var message: String

    /// Creates an error.
    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { message }
}
