extension InvocationRecord {
    /// What caused an invocation.
    enum Trigger: String, Codable, Sendable, CaseIterable {
        /// A request to one of the function's HTTP routes.
        case http
        /// A synchronous call through the Lambda Invoke API.
        case invoke
        /// An asynchronous (`Event`) call through the Lambda Invoke API.
        case event
        /// A batch of messages from the function's queue.
        case queue
        /// `invoker invoke` on the command line.
        case cli
        /// A slot of one of the function's schedules (or `invoker schedules run`), through its asynchronous queue.
        case schedule
    }
}
