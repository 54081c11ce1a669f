/// A queue the invoker serves, and the function that consumes it.
struct QueueDefinition: Codable, Sendable, Equatable {
    /// How messages get into the queue.
    enum Kind: String, Codable, Sendable {
        /// A queue named in a function's `queue` trigger; producers post to `/queue/{name}`.
        case queue
        /// A function's internal queue of asynchronous invocations (`/async-function/{name}`, Invoke API `Event`).
        case async
    }

    /// The queue's name: the trigger's name, or `async:<function>` for asynchronous invocations.
    var name: String
    /// The function that consumes it.
    var function: String
    /// How messages get into it.
    var kind: Kind

    /// The name of the queue of `function`'s asynchronous invocations; the colon keeps it apart from trigger queues,
    /// whose names cannot contain one.
    static func asyncQueueName(of function: String) -> String {
        "async:\(function)"
    }
}
