import Logging
import NIOCore

@testable import Runtime

/// A logger that drops everything: tests never bootstrap the logging system.
let testLogger = Logger(label: "RuntimeTests", factory: { _ in SwiftLogNoOpLogHandler() })

/// Runs `handler` on each event through the invocation loop and returns what the loop reported.
func invoke(_ handler: some StreamingHandler, with events: [String]) async throws -> [InMemoryRuntimeClient.Report] {
    let client = InMemoryRuntimeClient(events: events)
    let loop = InvocationLoop(client: client, handler: handler, functionName: "test", logger: testLogger)
    try await loop.run()
    return client.reports
}

/// Runs a typed `handler` on each event through the invocation loop and returns what the loop reported.
func invoke(_ handler: some Handler, with events: [String]) async throws -> [InMemoryRuntimeClient.Report] {
    try await invoke(CodableAdapter(handler), with: events)
}
