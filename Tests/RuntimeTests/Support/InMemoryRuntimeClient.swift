import NIOCore
import Synchronization

@testable import Runtime

/// A Runtime API stand-in for the invocation loop: hands out queued events, records what the loop reports, and
/// reports the connection closed once the events run out.
final class InMemoryRuntimeClient: RuntimeClient {
    /// One thing the loop sent back.
    enum Report: Equatable {
        case response(requestID: String, body: String)
        case httpResponse(requestID: String, FunctionURLResponse)
        case error(requestID: String, FunctionError)
        case initError(FunctionError)
        case streamStart(requestID: String, contentType: String)
        case chunk(requestID: String, String)
        case streamEnd(requestID: String, FunctionError?)
    }

    private struct State {
        var pending: [(InvocationMetadata, InvocationEvent)]
        var reports: [Report] = []
    }

    private let state: Mutex<State>

    /// Queues one invocation per event, with request ids `request-1`, `request-2`, …
    convenience init(events: [String], deadline: Int64 = 4_102_444_800_000) {
        self.init(invocationEvents: events.map { .bytes(ByteBuffer(string: $0)) }, deadline: deadline)
    }

    /// Queues one invocation per event, bytes or typed HTTP requests as the native transport delivers them.
    init(invocationEvents events: [InvocationEvent], deadline: Int64 = 4_102_444_800_000) {
        let pending = events.enumerated().map { index, event in
            let metadata = InvocationMetadata(
                requestID: "request-\(index + 1)",
                deadline: deadline,
                invokedFunctionARN: "arn:aws:lambda:local:000000000000:function:test",
                traceID: "Root=1-test",
                clientContext: nil,
                cognitoIdentity: nil
            )
            return (metadata, event)
        }
        self.state = Mutex(State(pending: pending))
    }

    /// What the loop reported, in order.
    var reports: [Report] {
        self.state.withLock { $0.reports }
    }

    func nextInvocation() async throws -> (InvocationMetadata, InvocationEvent) {
        let next = self.state.withLock { state in state.pending.isEmpty ? nil : state.pending.removeFirst() }
        guard let next else { throw RuntimeClientError.connectionClosed(during: "nextInvocation()") }
        return next
    }

    func reportResponse(requestID: String, body: ByteBuffer) async throws {
        self.record(.response(requestID: requestID, body: String(buffer: body)))
    }

    func reportHTTPResponse(requestID: String, response: FunctionURLResponse) async throws {
        self.record(.httpResponse(requestID: requestID, response))
    }

    func reportError(requestID: String, error: FunctionError) async throws {
        self.record(.error(requestID: requestID, error))
    }

    func reportInitError(_ error: FunctionError) async throws {
        self.record(.initError(error))
    }

    func startStream(requestID: String, contentType: String) async throws {
        self.record(.streamStart(requestID: requestID, contentType: contentType))
    }

    func writeStream(requestID: String, chunk: ByteBuffer) async throws {
        self.record(.chunk(requestID: requestID, String(buffer: chunk)))
    }

    func finishStream(requestID: String, error: FunctionError?) async throws {
        self.record(.streamEnd(requestID: requestID, error))
    }

    private func record(_ report: Report) {
        self.state.withLock { $0.reports.append(report) }
    }
}
