/// The metadata keys of the invoker's own logs, in one place, in dot notation. Messages are short sentences that
/// start with a capital letter and carry no data: the data goes in metadata under these keys.
enum LogKey {
    /// The function an entry is about.
    static let function = "function.name"
    /// The worker within its pool.
    static let worker = "worker.id"
    /// How a worker process ended.
    static let exit = "worker.exit"
    /// A worker's resident memory, in KiB.
    static let workerMemoryKB = "worker.memory_kb"
    /// A memory limit, in KiB.
    static let memoryLimitKB = "worker.memory_limit_kb"
    /// The executable a worker runs.
    static let executable = "worker.executable"
    /// A line of a worker's output that no invocation claimed.
    static let outputLine = "worker.output"
    /// The invoker-wide worker limit.
    static let workerLimit = "worker.limit"
    /// The invocation an entry is about.
    static let invocation = "invocation.id"
    /// How an invocation ended.
    static let invocationStatus = "invocation.status"
    /// What caused an invocation.
    static let invocationTrigger = "invocation.trigger"
    /// How long an invocation ran, in milliseconds.
    static let invocationDuration = "invocation.duration_ms"
    /// An error that was handled.
    static let error = "error"
    /// How long a build took, in milliseconds.
    static let buildDuration = "build.duration_ms"
    /// A file or folder an entry is about.
    static let path = "file.path"
    /// Function routes an entry is about, as `METHOD /path (function)`.
    static let routes = "http.routes"
    /// The address the HTTP server listens on.
    static let host = "server.address"

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

    /// How many records a batch of the invocation log holds.
    static let logRecords = "invocation_log.records"
    /// Which attempt at writing a batch failed.
    static let logAttempt = "invocation_log.attempt"
    /// How many records were ignored because their ids were already in the log.
    static let logDuplicates = "invocation_log.duplicates"
    /// How many records were dropped because the buffer was full.
    static let logDropped = "invocation_log.dropped"
    /// How many records the buffer holds at most.
    static let logCapacity = "invocation_log.capacity"
    /// How many records a retention pass deleted.
    static let logPruned = "invocation_log.pruned"
    /// The PostgreSQL database, as `host:port/database`.
    static let database = "db.location"
    /// A schema migration's version.
    static let version = "db.schema_version"

    /// How many keys a key file holds.
    static let keys = "auth.keys"
    /// A file's permission bits, in octal.
    static let mode = "file.mode"
    /// A JWKS file or URL.
    static let jwks = "auth.jwks"
    /// Why a caller was refused.
    static let authReason = "auth.reason"
}
