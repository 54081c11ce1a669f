import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Runtime
import Synchronization
import Testing

@testable import Invoker

/// Asynchronous invocations end to end: `/async-function`, the Invoke API's `Event` type, retries, the dead-letter
/// queue and callbacks posted to a receiver served by the test.
@Suite("Asynchronous invocations, end to end", .serialized, .everyTransport)
struct AsyncInvocationTests {
    /// A callback as the receiver got it.
    struct Received: Sendable {
        var path: String
        var headers: HTTPFields
        var body: ByteBuffer
    }

    @Test("a queued invocation runs, and its result is posted to the callback URL")
    func callbacks() async throws {
        let environment = try TestEnvironment(functions: [
            "ev": TestEnvironment.fixture("event"),
            "fail": TestEnvironment.fixture("fail"),
        ])
        defer { environment.remove() }
        let received = Mutex<[Received]>([])
        let router = Router()
        for (path, status) in [("/done", HTTPResponse.Status.ok), ("/refuse", .internalServerError)] {
            router.post(RouterPath(path)) { request, _ -> HTTPResponse.Status in
                let body = try await request.body.collect(upTo: 1 << 20)
                received.withLock { $0.append(Received(path: path, headers: request.headers, body: body)) }
                return status
            }
        }
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiver.test(.live) { receiverClient in
            let base = "http://127.0.0.1:\(try #require(receiverClient.port))"
            try await environment.withInvoker { client in
                let callback = HTTPField.Name.callbackURL
                let accepted = try await client.execute(
                    uri: "/async-function/ev/sub/path?x=1",
                    method: .post,
                    headers: [callback: base + "/done", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"k":1}"#)
                )
                #expect(accepted.status == .accepted)
                let messageID = try JSONDecoder().decode(SentMessage.self, from: accepted.body).messageId
                let failing = try await client.execute(
                    uri: "/async-function/fail",
                    method: .post,
                    headers: [callback: base + "/done"]
                )
                let failingID = try JSONDecoder().decode(SentMessage.self, from: failing.body).messageId
                let refused = try await client.execute(
                    uri: "/async-function/ev",
                    method: .post,
                    headers: [callback: base + "/refuse"]
                )
                #expect(refused.status == .accepted)
                let event = try await client.execute(
                    uri: "/2015-03-31/functions/ev/invocations",
                    method: .post,
                    headers: [.amzInvocationType: "Event"],
                    body: ByteBuffer(string: #"{"a":1}"#)
                )
                #expect(event.status == .accepted)
                let eventID = try #require(event.headers[.amznRequestID])

                // The failing one is tried three times (1 s, then 2 s apart); the refusing receiver four times.
                #expect(
                    await eventually(timeout: .seconds(20)) {
                        received.withLock { calls in
                            calls.count { $0.path == "/done" } == 2 && calls.count { $0.path == "/refuse" } == 4
                        }
                    }
                )
                let calls = received.withLock { $0 }
                let success = try #require(calls.first { $0.headers[.messageID] == messageID })
                #expect(success.headers[.functionName] == "ev")
                #expect(success.headers[.functionStatus] == "success")
                #expect(success.headers[.attempt] == "1")
                let echoed = try JSONDecoder().decode(FunctionURLRequest.self, from: success.body)
                #expect(echoed.rawPath == "/sub/path" && echoed.rawQueryString == "x=1")
                #expect(echoed.body == #"{"k":1}"# && echoed.requestContext.http.method == "POST")

                let failure = try #require(calls.first { $0.headers[.messageID] == failingID })
                #expect(failure.headers[.functionStatus] == "error")
                #expect(failure.headers[.attempt] == "3")
                let error = try JSONDecoder().decode(ErrorDocument.self, from: failure.body)
                #expect(error.errorType == "FixtureError" && error.errorMessage == "failed on purpose")

                let queues = try JSONDecoder().decode(
                    [QueueStatistics].self,
                    from: try await client.execute(
                        uri: "/system/queues",
                        method: .get,
                        headers: TestEnvironment.adminHeaders
                    ).body
                )
                #expect(queues.map(\.name) == ["async:fail"])
                #expect(queues.first?.deadLetters == 1 && queues.first?.function == "fail")

                let records = try await environment.waitForRecords(count: 6)
                let successRecord = try #require(records.first { $0.queueMessageId == messageID })
                #expect(success.headers[.invocationID] == successRecord.id)
                #expect(successRecord.trigger == .event && successRecord.attempt == 1)
                let failures = records.filter { $0.queueMessageId == failingID }.sorted { $0.id < $1.id }
                #expect(failures.map(\.attempt) == [1, 2, 3])
                #expect(failures.allSatisfy { $0.trigger == .event && $0.status == .error })
                #expect(failure.headers[.invocationID] == failures.last?.id)
                #expect(records.first { $0.queueMessageId == eventID }?.trigger == .event)
            }
        }
        let store = try SQLiteQueueStore(path: environment.queueDatabasePath)
        let letters = try await store.deadLetters(in: "async:fail", limit: 10)
        #expect(letters.count == 1 && letters.first?.lastError.hasPrefix("FixtureError: failed on purpose") == true)
    }
}
