import Testing

@testable import Invoker

/// Runs every test of a suite once over each worker transport, native first: the same end-to-end checks hold for
/// Swift workers on the native transport and for workers on the Lambda Runtime API.
struct EveryTransport: SuiteTrait, TestTrait, TestScoping {
    /// The transport the running test's functions use; nil leaves each function's default.
    @TaskLocal static var current: FunctionDefinition.Transport?

    var isRecursive: Bool { true }

    func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        guard testCase != nil else { return try await function() }
        for transport in FunctionDefinition.Transport.allCases {
            try await Self.$current.withValue(transport) {
                do {
                    try await function()
                } catch {
                    throw TransportFailure(transport: transport, error: error)
                }
            }
        }
    }
}

extension Trait where Self == EveryTransport {
    /// Runs each test once per worker transport.
    static var everyTransport: Self { EveryTransport() }
}

/// An error a test threw over one transport, naming it.
struct TransportFailure: Error, CustomStringConvertible {
    var transport: FunctionDefinition.Transport
    var error: any Error

    var description: String { "over the \(transport.rawValue) transport: \(error)" }
}
