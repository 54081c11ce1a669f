import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import Invoker

/// The worker's Runtime API endpoint against a raw HTTP/1.1 client on one keep-alive connection, as any Lambda
/// runtime client would use it.
@Suite("Runtime API listener")
struct RuntimeAPIConnectionTests {
    @Test("next, chunked response, repeated and unknown ids, errors, init errors, unknown paths")
    func conversation() async throws {
        let events = Mutex<[String]>([])
        let connection = try await RuntimeAPIConnection.listen(on: MultiThreadedEventLoopGroup.singleton.next()) {
            event in
            events.withLock { $0.append("\(event)") }
        }
        let port = try #require(connection.environment["AWS_LAMBDA_RUNTIME_API"]?.split(separator: ":").last)
        let client = try await RawHTTPClient(port: Int(port)!)
        let invocation = Invocation(
            id: "req-1",
            payload: ByteBuffer(string: #"{"a":1}"#),
            deadlineEpochMs: 1_700_000_000_000,
            functionARN: "arn:aws:lambda:us-east-1:000000000000:function:f",
            traceID: "Root=1-abc",
            clientContext: #"{"custom":{}}"#
        )

        let readyCount = { events.withLock { $0.filter { $0 == "ready" }.count } }
        try await withThrowingTaskGroup(of: WorkerReply.self) { group in
            // The worker parks its request for work: the pool hears it is ready.
            try await client.send(.GET, "/2018-06-01/runtime/invocation/next")
            #expect(await eventually { readyCount() == 1 })
            group.addTask { try await connection.invoke(invocation, timeout: .seconds(30)) }
            let next = try await client.receive()
            #expect(next.status == .ok)
            #expect(next.headers["lambda-runtime-aws-request-id"] == ["req-1"])
            #expect(next.headers["lambda-runtime-deadline-ms"] == ["1700000000000"])
            #expect(next.headers["lambda-runtime-invoked-function-arn"] == [invocation.functionARN])
            #expect(next.headers["lambda-runtime-trace-id"] == ["Root=1-abc"])
            #expect(next.headers["lambda-runtime-client-context"] == [#"{"custom":{}}"#])
            #expect(next.body == #"{"a":1}"#)

            try await client.send(.POST, "/2018-06-01/runtime/invocation/req-1/response", chunks: ["he", "llo"])
            #expect(try await client.receive().status == .accepted)
            guard case .response(let body) = try await group.next() else {
                Issue.record("expected a response")
                return
            }
            #expect(String(buffer: body) == "hello")
        }

        try await client.send(.POST, "/2018-06-01/runtime/invocation/req-1/response", chunks: ["again"])
        let repeated = try await client.receive()
        #expect(repeated.status == .badRequest && repeated.body.contains("InvalidRequestID"))
        try await client.send(.POST, "/2018-06-01/runtime/invocation/nope/error", chunks: ["{}"])
        #expect(try await client.receive().status == .badRequest)
        try await client.send(.GET, "/2018-06-01/runtime/nothing")
        #expect(try await client.receive().status == .notFound)

        // A function error, with the type in the header only.
        try await withThrowingTaskGroup(of: WorkerReply.self) { group in
            try await client.send(.GET, "/2018-06-01/runtime/invocation/next")
            #expect(await eventually { readyCount() == 2 })
            group.addTask {
                try await connection.invoke(
                    Invocation(id: "req-2", payload: ByteBuffer(), deadlineEpochMs: 0, functionARN: "", traceID: ""),
                    timeout: .seconds(30)
                )
            }
            #expect(try await client.receive().status == .ok)
            try await client.send(
                .POST,
                "/2018-06-01/runtime/invocation/req-2/error",
                headers: ["Lambda-Runtime-Function-Error-Type": "Boom"],
                chunks: ["not json"]
            )
            #expect(try await client.receive().status == .accepted)
            guard case .error(let error) = try await group.next() else {
                Issue.record("expected an error")
                return
            }
            #expect(error.type == "Boom" && error.message == "not json")
        }

        try await client.send(
            .POST,
            "/2018-06-01/runtime/init/error",
            chunks: [#"{"errorType":"Runtime.Oops","errorMessage":"no"}"#]
        )
        #expect(try await client.receive().status == .accepted)
        #expect(events.withLock { $0.contains { $0.contains("Runtime.Oops") } })
        #expect(readyCount() == 2)

        // When the worker process exits, a pending invocation fails with how it ended.
        connection.close(exit: .signaled(9))
        await #expect(throws: WorkerGone.self) {
            try await connection.invoke(
                Invocation(id: "req-3", payload: ByteBuffer(), deadlineEpochMs: 0, functionARN: "", traceID: ""),
                timeout: .seconds(30)
            )
        }
        try await client.close()
    }
}
