import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The invocation loop's side of the Runtime API: fetch an invocation, answer it.
///
/// Implementations throw a ``RuntimeClientError`` with code `connectionClosed` once the invoker has closed the
/// connection, which ends the loop.
protocol RuntimeClient: Sendable {
    /// Waits for the next invocation, with no time limit.
    func nextInvocation() async throws -> (InvocationMetadata, InvocationEvent)

    /// Sends an invocation's result.
    func reportResponse(requestID: String, body: ByteBuffer) async throws

    /// Sends the result of an HTTP event that arrived as ``InvocationEvent/http(_:)``.
    func reportHTTPResponse(requestID: String, response: FunctionURLResponse) async throws

    /// Sends the error an invocation ended with.
    func reportError(requestID: String, error: FunctionError) async throws

    /// Reports that the worker could not start, before asking for any invocation.
    func reportInitError(_ error: FunctionError) async throws

    /// Starts streaming the response to invocation `requestID`, declared as `contentType`; the response is then
    /// sent with ``writeStream(requestID:chunk:)`` and ended with ``finishStream(requestID:error:)``.
    func startStream(requestID: String, contentType: String) async throws

    /// Sends the next bytes of invocation `requestID`'s streamed response; returns once the connection has taken
    /// them, so a function that writes faster than the invoker reads waits instead of buffering.
    func writeStream(requestID: String, chunk: ByteBuffer) async throws

    /// Ends invocation `requestID`'s streamed response: complete, or with `error` when the function failed after the
    /// stream started.
    func finishStream(requestID: String, error: FunctionError?) async throws
}

extension RuntimeClient {
    /// Sends the response as JSON, the way the Runtime API carries every response.
    func reportHTTPResponse(requestID: String, response: FunctionURLResponse) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        try await self.reportResponse(requestID: requestID, body: ByteBuffer(bytes: try encoder.encode(response)))
    }
}
