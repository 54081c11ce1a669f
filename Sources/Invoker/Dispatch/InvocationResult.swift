/// An invocation that ran, or was turned away: its id and how it went.
///
/// An HTTP caller presents the execution, then finishes the result with the status it sent, which writes the
/// record (for a relayed stream, once the stream has ended). Other callers get a result that is already recorded.
struct InvocationResult: Sendable {
    /// The invocation's id.
    let id: String
    /// How it went.
    let execution: Execution
    /// Writes the record of an execution with the HTTP status its caller got.
    let record: @Sendable (Execution, _ httpStatus: Int?) -> Void

    /// Records the invocation with the HTTP status its caller got (nil for callers that are not HTTP requests).
    func finish(httpStatus: Int?) {
        if case .streaming(let reply) = execution.outcome {
            reply.whenFinished { record($0, httpStatus) }
        } else {
            record(execution, httpStatus)
        }
    }
}
