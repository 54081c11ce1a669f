extension LogKey {
    /// The queue an entry is about.
    static let queue = "queue.name"
    /// The queue message an entry is about.
    static let message = "queue.message_id"
    /// How many messages an entry is about.
    static let messages = "queue.messages"
    /// Where a callback goes.
    static let callbackURL = "callback.url"
    /// Which attempt at posting a callback failed.
    static let callbackAttempt = "callback.attempt"
    /// The HTTP status a callback receiver answered.
    static let callbackStatus = "callback.status"
    /// An error that was handled.
    static let error = "error"
}
