public import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a handler knows about the invocation it is handling.
///
/// ```swift
/// context.logger.info("Resizing", metadata: ["image": "\(key)"])
/// if context.remainingTime < .seconds(1) { return partialResult }
/// ```
public struct Context: Sendable {
    /// The invocation's id (`Lambda-Runtime-Aws-Request-Id`).
    public let requestID: String
    /// When the invocation times out, in milliseconds since the Unix epoch (`Lambda-Runtime-Deadline-Ms`).
    public let deadline: Int64
    /// The ARN the function was invoked with (`Lambda-Runtime-Invoked-Function-Arn`).
    public let invokedFunctionARN: String
    /// The tracing header (`Lambda-Runtime-Trace-Id`); empty when the invoker sent none.
    public let traceID: String
    /// The client context the caller sent (`Lambda-Runtime-Client-Context`), as JSON.
    public let clientContext: String?
    /// The caller's Cognito identity (`Lambda-Runtime-Cognito-Identity`), as JSON.
    public let cognitoIdentity: String?
    /// The function's name (`AWS_LAMBDA_FUNCTION_NAME`).
    public let functionName: String
    /// A logger whose messages carry the invocation's id.
    public let logger: Logger

    /// Creates a context; the runtime makes one per invocation, tests of a handler make their own.
    public init(
        requestID: String,
        deadline: Int64,
        invokedFunctionARN: String = "",
        traceID: String = "",
        clientContext: String? = nil,
        cognitoIdentity: String? = nil,
        functionName: String = "",
        logger: Logger
    ) {
        self.requestID = requestID
        self.deadline = deadline
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.functionName = functionName
        self.logger = logger
    }

    /// The time left before ``deadline``; negative once it has passed.
    public var remainingTime: Duration {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return .milliseconds(self.deadline) - .seconds(now.tv_sec) - .nanoseconds(now.tv_nsec)
    }
}
