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
}

extension RuntimeClient {
    /// Sends the response as JSON, the way the Runtime API carries every response.
    func reportHTTPResponse(requestID: String, response: FunctionURLResponse) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        try await self.reportResponse(requestID: requestID, body: ByteBuffer(bytes: try encoder.encode(response)))
    }
}
