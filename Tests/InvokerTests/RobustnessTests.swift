import Foundation
import NIOCore
import Testing

@testable import Invoker

/// A seeded fuzz of raw HTTP requests over every route family: whatever a client sends, the invoker answers with a
/// documented status, explains every error in JSON, and holds no connection once its clients are gone. Set
/// `INVOKER_FUZZ_SEED` to replay a failure; `INVOKER_FUZZ_REQUESTS` to send more.
@Suite("Robustness: seeded raw-socket HTTP fuzz", .serialized)
struct RobustnessTests {
    /// Every status the README documents for the invoker's own answers and the functions' routes.
    static let documentedStatuses: Set<Int> = [
        200, 202, 204, 400, 401, 404, 405, 408, 413, 429, 431, 501, 502, 503, 504,
    ]

    @Test("Every fuzzed request gets a documented status, every error a JSON body, and no connection is left open")
    func fuzz() async throws {
        let environment = try TestEnvironment(functions: TestEnvironment.edgeFunctions)
        defer { environment.remove() }
        let seed = ProcessInfo.processInfo.environment["INVOKER_FUZZ_SEED"].flatMap(UInt64.init) ?? 12
        let total = ProcessInfo.processInfo.environment["INVOKER_FUZZ_REQUESTS"].flatMap(Int.init) ?? 400
        let clients = 8
        // Incomplete requests are part of the fuzz: they get their 408 quickly.
        let edge = HTTPEdgePolicy(headTimeout: .milliseconds(500), bodyTimeout: .milliseconds(500))
        try await environment.withEdgeInvoker(edge) { port in
            let before = TestEnvironment.serverConnections(port: port)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<clients {
                    group.addTask {
                        var generator = FuzzGenerator(seed: seed &+ UInt64(client))
                        for index in 0..<(total / clients) {
                            let request = generator.request()
                            let context = "seed \(seed) client \(client) request \(index): \(request.summary)"
                            try await Self.check(request, port: port, context: context)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let after = await TestEnvironment.serverConnections(port: port, settleAtMost: before)
            #expect(after <= before, "\(after - before) connections are still held open after the fuzz")
            // Still serving.
            let socket = try await RawSocket(port: port)
            try await socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await socket.receive()?.status == 200)
            await socket.close()
        }
    }

    /// Sends `request` on a connection of its own and checks the answer.
    private static func check(_ request: FuzzGenerator.Request, port: Int, context: String) async throws {
        let socket = try await RawSocket(port: port)
        try? await socket.send(request.text)
        let answer = try await socket.receive(timeout: .seconds(20), bodyless: request.method == "HEAD")
        await socket.close()
        guard let answer else {
            Issue.record("no answer: \(context)")
            return
        }
        #expect(documentedStatuses.contains(answer.status), "status \(answer.status): \(context)")
        guard answer.status >= 400, request.method != "HEAD" else { return }
        let json = answer.json
        if answer.headers["x-amzn-errortype"] != nil {
            #expect(json?["Message"] is String, "Invoke API error without a message: \(answer.body) \(context)")
        } else {
            #expect(
                json?["errorType"] is String && json?["errorMessage"] is String,
                "error body \(answer.body.prefix(200)): \(context)"
            )
        }
    }
}
