import NIOCore

/// The invocation loop's side of the Runtime API: fetch an invocation, answer it.
///
/// Implementations throw a ``RuntimeClientError`` with code `connectionClosed` once the invoker has closed the
/// connection, which ends the loop.
protocol RuntimeClient: Sendable {
    /// Waits for the next invocation, with no time limit.
    func nextInvocation() async throws -> (InvocationMetadata, ByteBuffer)

    /// Sends an invocation's result.
    func reportResponse(requestID: String, body: ByteBuffer) async throws

    /// Sends the error an invocation ended with.
    func reportError(requestID: String, error: FunctionError) async throws

    /// Reports that the worker could not start, before asking for any invocation.
    func reportInitError(_ error: FunctionError) async throws
}
