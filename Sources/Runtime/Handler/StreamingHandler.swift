public import NIOCore

/// The byte-level handler: receives the raw event and writes the raw response.
///
/// Every other handler kind is adapted to this one. Implement it directly when a function wants the event's bytes
/// without JSON decoding, or wants to write its response in pieces.
///
/// ```swift
/// struct Upper: StreamingHandler {
///     func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws {
///         let text = String(buffer: event).uppercased()
///         try await responseWriter.writeAndFinish(ByteBuffer(string: text))
///     }
/// }
/// ```
public protocol StreamingHandler: Sendable {
    /// Handles one invocation.
    ///
    /// A handler that returns without finishing its response has it finished with whatever it wrote. A thrown error
    /// is reported to the invoker as the invocation's error, unless the response was already finished.
    ///
    /// - Parameters:
    ///   - event: The event's bytes, as the invoker sent them.
    ///   - responseWriter: Where the response goes.
    ///   - context: The invocation's request id, deadline and logger.
    func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws
}
