import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import Runtime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("Runtime API client", .timeLimit(.minutes(1)))
struct RuntimeAPIClientTests {
    struct Numbers: Decodable {
        var numbers: [Int]
    }

    struct Sum: Encodable {
        var sum: Int
    }

    struct EmptySum: Error, CustomStringConvertible {
        var description: String { "nothing to add" }
    }

    @Test func servesInvocationsUntilTheInvokerClosesTheConnection() async throws {
        let contexts = Mutex<[Context]>([])
        let sum = ClosureHandler { (event: Numbers, context: Context) in
            contexts.withLock { $0.append(context) }
            guard !event.numbers.isEmpty else { throw EmptySum() }
            return Sum(sum: event.numbers.reduce(0, +))
        }
        let first: HTTPHeaders = [
            "Lambda-Runtime-Aws-Request-Id": "req-1",
            "Lambda-Runtime-Deadline-Ms": "4102444800000",
            "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:local:000000000000:function:sum",
            "Lambda-Runtime-Trace-Id": "Root=1-5e1b4151-5ac6c58f5b1b4b9c8a0a2c1d",
            "Lambda-Runtime-Client-Context": #"{"custom":{}}"#,
            "Lambda-Runtime-Cognito-Identity": #"{"identityId":"id"}"#,
        ]
        let second: HTTPHeaders = [
            "Lambda-Runtime-Aws-Request-Id": "req-2",
            "Lambda-Runtime-Deadline-Ms": "4102444800000",
            "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:local:000000000000:function:sum",
        ]
        let requests = try await RuntimeAPITestServer.run(
            answering: [
                .init(status: .ok, headers: first, body: #"{"numbers":[1,2]}"#),
                .init(status: .accepted),
                .init(status: .ok, headers: second, body: #"{"numbers":[]}"#),
                .init(status: .accepted),
            ]
        ) { port in
            let client = try await RuntimeAPIClient.connect(host: "127.0.0.1", port: port)
            let loop = InvocationLoop(
                client: client,
                handler: CodableAdapter(sum),
                functionName: "sum",
                logger: testLogger
            )
            try await loop.run()
        }

        try #require(requests.count == 4)
        for request in requests {
            #expect(request.headers["host"].count == 1)
        }
        Self.expectNext(requests[0])
        #expect(requests[1].method == .POST)
        #expect(requests[1].uri == "/2018-06-01/runtime/invocation/req-1/response")
        #expect(requests[1].headers["content-length"] == ["9"])
        #expect(requests[1].body == #"{"sum":3}"#)
        Self.expectNext(requests[2])
        #expect(requests[3].method == .POST)
        #expect(requests[3].uri == "/2018-06-01/runtime/invocation/req-2/error")
        #expect(requests[3].headers["Lambda-Runtime-Function-Error-Type"] == ["EmptySum"])
        #expect(requests[3].headers["content-type"] == ["application/json"])
        #expect(requests[3].headers["content-length"] == ["\(requests[3].body.utf8.count)"])
        let reported = try JSONDecoder().decode(FunctionError.self, from: Data(requests[3].body.utf8))
        #expect(reported == FunctionError(type: "EmptySum", message: "nothing to add"))

        let seen = contexts.withLock { $0 }
        try #require(seen.count == 2)
        #expect(seen[0].requestID == "req-1")
        #expect(seen[0].deadline == 4_102_444_800_000)
        #expect(seen[0].invokedFunctionARN == "arn:aws:lambda:local:000000000000:function:sum")
        #expect(seen[0].traceID == "Root=1-5e1b4151-5ac6c58f5b1b4b9c8a0a2c1d")
        #expect(seen[0].clientContext == #"{"custom":{}}"#)
        #expect(seen[0].cognitoIdentity == #"{"identityId":"id"}"#)
        #expect(seen[1].requestID == "req-2")
        #expect(seen[1].traceID == "")
        #expect(seen[1].clientContext == nil)
    }

    @Test func reportsAnInitError() async throws {
        let requests = try await RuntimeAPITestServer.run(answering: [.init(status: .accepted)]) { port in
            let client = try await RuntimeAPIClient.connect(host: "127.0.0.1", port: port)
            try await client.reportInitError(FunctionError(type: "Runtime.HandlerNotFound", message: "no 'x'"))
        }

        let request = try #require(requests.first)
        #expect(request.method == .POST)
        #expect(request.uri == "/2018-06-01/runtime/init/error")
        #expect(request.headers["Lambda-Runtime-Function-Error-Type"] == ["Runtime.HandlerNotFound"])
        let reported = try JSONDecoder().decode(FunctionError.self, from: Data(request.body.utf8))
        #expect(reported == FunctionError(type: "Runtime.HandlerNotFound", message: "no 'x'"))
    }

    @Test func throwsWhenThePostIsNotAccepted() async throws {
        let headers: HTTPHeaders = ["Lambda-Runtime-Aws-Request-Id": "req-1", "Lambda-Runtime-Deadline-Ms": "1"]
        _ = try await RuntimeAPITestServer.run(
            answering: [
                .init(status: .ok, headers: headers, body: "{}"),
                .init(status: .badRequest, body: "unknown request id"),
            ]
        ) { port in
            let client = try await RuntimeAPIClient.connect(host: "127.0.0.1", port: port)
            let (metadata, event) = try await client.nextInvocation()
            #expect(metadata.requestID == "req-1")
            #expect(metadata.invokedFunctionARN == "")
            #expect(event == .bytes(ByteBuffer(string: "{}")))
            let error = await #expect(throws: RuntimeClientError.self) {
                try await client.reportResponse(requestID: "req-1", body: ByteBuffer(string: "{}"))
            }
            #expect(error?.code == .unexpectedStatus)
            #expect(
                error?.message == """
                    The Runtime API answered POST /2018-06-01/runtime/invocation/req-1/response with 400, \
                    expected 202: unknown request id
                    """
            )
        }
    }

    @Test func throwsWhenTheInvocationHasNoRequestID() async throws {
        _ = try await RuntimeAPITestServer.run(
            answering: [.init(status: .ok, headers: ["Lambda-Runtime-Deadline-Ms": "1"], body: "{}")]
        ) { port in
            let client = try await RuntimeAPIClient.connect(host: "127.0.0.1", port: port)
            let error = await #expect(throws: RuntimeClientError.self) { try await client.nextInvocation() }
            #expect(error?.code == .malformedResponse)
            #expect(error?.message.hasSuffix("has no Lambda-Runtime-Aws-Request-Id header") == true)
        }
    }

    @Test func reportsTheConnectionClosed() async throws {
        _ = try await RuntimeAPITestServer.run(answering: []) { port in
            let client = try await RuntimeAPIClient.connect(host: "127.0.0.1", port: port)
            let error = await #expect(throws: RuntimeClientError.self) { try await client.nextInvocation() }
            #expect(error?.code == .connectionClosed)
        }
    }

    private static func expectNext(_ request: RuntimeAPITestServer.Request) {
        #expect(request.method == .GET)
        #expect(request.uri == "/2018-06-01/runtime/invocation/next")
        #expect(request.body == "")
    }
}
