import Foundation

/// The environment variables the invoker sets for every worker, as Lambda does: the one list both the worker's
/// environment is built from and the manifest's `environment` is checked against (a manifest may set none of them).
enum WorkerVariable: String, CaseIterable, Sendable {
    /// `host:port` of the worker's Runtime API endpoint (set by the Runtime API transport).
    case runtimeAPI = "AWS_LAMBDA_RUNTIME_API"
    /// The descriptor of the native transport's socket (set by the native transport).
    case runtimeDescriptor = "INVOKER_RUNTIME_FD"
    /// The function's handler.
    case handler = "_HANDLER"
    /// The function's name.
    case functionName = "AWS_LAMBDA_FUNCTION_NAME"
    /// The function's memory, in MiB.
    case memorySize = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"
    /// Always `$LATEST`.
    case version = "AWS_LAMBDA_FUNCTION_VERSION"
    /// The function's timeout, in whole seconds.
    case timeout = "AWS_LAMBDA_FUNCTION_TIMEOUT"
    /// `/aws/lambda/<function>`.
    case logGroup = "AWS_LAMBDA_LOG_GROUP_NAME"
    /// `YYYY/MM/DD/[$LATEST]<32 hex digits>`, one per worker.
    case logStream = "AWS_LAMBDA_LOG_STREAM_NAME"
    /// The region reported to workers.
    case region = "AWS_REGION"
    /// The same region, for SDKs that read this one.
    case defaultRegion = "AWS_DEFAULT_REGION"
    /// The worker's working directory.
    case taskRoot = "LAMBDA_TASK_ROOT"
    /// How many invocations the worker runs at once: the function's `concurrency`, set when it is above 1 (as Lambda
    /// sets it for multi-concurrency; runtime clients that support it hold that many invocations).
    case maxConcurrency = "AWS_LAMBDA_MAX_CONCURRENCY"

    /// The names of every variable the invoker sets, which a manifest may not set.
    static let reservedNames: Set<String> = Set(allCases.map(\.rawValue))

    /// A log stream name as Lambda makes them: the day the worker started (UTC), the version, and a random id.
    static func logStreamName(startedAt date: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let day = calendar.dateComponents([.year, .month, .day], from: date)
        let id = Hex.random(bytes: 16)
        return String(format: "%04d/%02d/%02d/", day.year ?? 1970, day.month ?? 1, day.day ?? 1) + "[$LATEST]" + id
    }
}
