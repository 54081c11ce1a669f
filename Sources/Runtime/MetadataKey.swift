/// The metadata keys the runtime's log messages use.
enum MetadataKey {
    /// The invocation's request id.
    static let invocationID = "invocation.id"
    /// The function's name.
    static let functionName = "function.name"
    /// An error that was handled.
    static let error = "error"
    /// The queue message a log message is about.
    static let messageID = "message.id"
    /// Why something happened.
    static let reason = "reason"
}
