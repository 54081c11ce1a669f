/// The metadata keys of the invoker's own logs, in one place.
enum LogKey {
    /// The function an entry is about.
    static let function = "function.name"
    /// The worker within its pool.
    static let worker = "worker.id"
    /// How a worker process ended.
    static let exit = "worker.exit"
    /// The invocation an entry is about.
    static let invocation = "invocation.id"
}
