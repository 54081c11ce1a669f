/// Lambda's limits on what an invocation carries, in bytes, where more than one part of the invoker checks them.
enum PayloadLimits {
    /// An asynchronous invocation's event: an `Event` call of the Invoke API, or a schedule's `input`.
    static let asynchronousEvent = 256 * 1024
}
