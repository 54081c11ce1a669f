import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Synchronization
import Testing

@testable import Invoker

/// End to end: the in-process invoker with real worker processes consuming its queues.
@Suite("Queue triggers, end to end", .serialized, .everyTransport)
struct QueueTriggerTests {
    @Test("1,000 messages are each processed once, recorded as queue invocations; the backlog scales the pool")
    func thousandMessages() async throws {
        let environment = try TestEnvironment(functions: [:])
        defer { environment.remove() }
        let records = try environment.recordFile()
        try environment.writeManifest([
            "rec": TestEnvironment.recorder(
                queue: "jobs",
                recordFile: records,
                trigger: ["batchSize": 10],
                settings: ["scaling": ["max": 4, "idleTimeout": 1]],
                environment: ["SLEEP_MS": "5"]
            )
        ])
        let bodies = (0..<1_000).map { "message-\($0)" }
        try await environment.withInvoker { client in
            let port = try #require(client.port)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for sender in 0..<8 {
                    group.addTask {
                        let connection = TestClient(host: "127.0.0.1", port: port)
                        connection.connect()
                        for body in bodies[(sender * 125)..<((sender + 1) * 125)] {
                            let request = TestClient.Request(
                                "/queue/jobs",
                                method: .post,
                                body: ByteBuffer(string: body)
                            )
                            let response = try? await connection.execute(request)
                            #expect(response?.status == .accepted)
                        }
                        // The invoker may already have closed an idle connection; that is not what this test checks.
                        try? await connection.shutdown()
                    }
                }
                try await group.waitForAll()
            }
            #expect(await eventually(timeout: .seconds(60)) { RecordedMessage.read(records).count >= 1_000 })
            let queues = try await client.execute(
                uri: "/system/queues",
                method: .get,
                headers: TestEnvironment.adminHeaders
            )
            let statistics = try JSONDecoder().decode([QueueStatistics].self, from: queues.body)
            #expect(statistics.map(\.name) == ["jobs"])
            #expect(try await eventually { try await Self.queue("jobs", of: client)?.inFlight == 0 })
            let pool = try JSONDecoder().decode(
                [SystemRoutes.FunctionStatus].self,
                from: try await client.execute(
                    uri: "/system/functions",
                    method: .get,
                    headers: TestEnvironment.adminHeaders
                ).body
            )
            #expect(pool.first?.spawned ?? 0 >= 2, "a backlog of 100 batches should start more than one worker")
            // With the queue empty, the pool scales back to zero after idleTimeout.
            #expect(
                try await eventually(timeout: .seconds(15)) {
                    let functions = try JSONDecoder().decode(
                        [SystemRoutes.FunctionStatus].self,
                        from: try await client.execute(
                            uri: "/system/functions",
                            method: .get,
                            headers: TestEnvironment.adminHeaders
                        ).body
                    )
                    return functions.first.map { $0.workers.idle + $0.workers.busy + $0.workers.starting } == 0
                }
            )
        }
        let recorded = RecordedMessage.read(records)
        #expect(recorded.count == 1_000)
        #expect(Set(recorded.map(\.body)) == Set(bodies))
        #expect(recorded.allSatisfy { $0.receiveCount == 1 })
        let invocations = try await environment.records()
        #expect(invocations.allSatisfy { $0.trigger == .queue && $0.status == .success && $0.attempt == 1 })
        #expect(invocations.allSatisfy { $0.queueMessageId != nil && $0.httpStatus == nil })
        #expect(invocations.count < 1_000, "messages arriving together are delivered in batches")
    }

    @Test("a partial batch failure retries only the failed messages; one that always fails is dead-lettered")
    func partialFailuresAndDeadLetters() async throws {
        let environment = try TestEnvironment(functions: [:])
        defer { environment.remove() }
        let records = try environment.recordFile()
        let thrown = try environment.recordFile("thrown.txt")
        let trigger: [String: Any] = ["batchSize": 10, "batchWindow": 0.3, "maxRetries": 1, "visibilityTimeout": 1]
        try environment.writeManifest([
            "rec": TestEnvironment.recorder(
                queue: "jobs",
                recordFile: records,
                trigger: trigger,
                settings: ["timeout": 1]
            ),
            "thrower": TestEnvironment.recorder(
                queue: "throwing",
                recordFile: thrown,
                trigger: ["batchSize": 10, "batchWindow": 0.3, "maxRetries": 0]
            ),
            "wordcount": ["handler": "wordcount", "queue": ["name": "words", "maxRetries": 0]],
        ])
        try await environment.withInvoker { client in
            for body in ["ok-1", "ok-2", "fail-once-1", "fail-always-1", "ok-3"] {
                #expect(try await client.enqueue(body, to: "jobs").status == .accepted)
            }
            for body in ["throw", "innocent"] {
                #expect(try await client.enqueue(body, to: "throwing").status == .accepted)
            }
            for body in ["hello brave new world", "   "] {
                #expect(try await client.enqueue(body, to: "words").status == .accepted)
            }
            #expect(
                try await eventually(timeout: .seconds(15)) {
                    let jobs = try await Self.queue("jobs", of: client)
                    let throwing = try await Self.queue("throwing", of: client)
                    let words = try await Self.queue("words", of: client)
                    return jobs?.deadLetters == 1 && jobs?.delayed == 0 && jobs?.inFlight == 0 && jobs?.depth == 0
                        && throwing?.deadLetters == 2 && words?.deadLetters == 1
                }
            )
            var recorded = RecordedMessage.read(records)
            for body in ["ok-1", "ok-2", "ok-3"] {
                #expect(recorded.filter { $0.body == body }.map(\.receiveCount) == [1], "\(body)")
            }
            #expect(recorded.filter { $0.body == "fail-once-1" }.map(\.receiveCount) == [1, 2])
            #expect(recorded.filter { $0.body == "fail-always-1" }.map(\.receiveCount) == [1, 2])

            let store = try SQLiteQueueStore(path: environment.queueDatabasePath)
            let letters = try await store.deadLetters(in: "jobs", limit: 10)
            #expect(letters.map(\.body) == [.text("fail-always-1")])
            #expect(letters.first?.lastError.hasPrefix("reported in batchItemFailures (invocation ") == true)
            #expect(letters.first?.receiveCount == 2)
            let thrownLetters = try await store.deadLetters(in: "throwing", limit: 10)
            #expect(Set(thrownLetters.map(\.body)) == [.text("throw"), .text("innocent")])
            #expect(
                thrownLetters.allSatisfy { $0.lastError.hasPrefix(#"FixtureError: the batch has a message "throw""#) }
            )
            let words = try await store.deadLetters(in: "words", limit: 10)
            #expect(words.map(\.body) == [.text("   ")])

            // Redrive, as `invoker queue redrive` does from another process: the message gets its retries again.
            #expect(try await store.redrive("jobs", ids: letters.map(\.id)) == 1)
            #expect(
                try await eventually(timeout: .seconds(15)) {
                    let deadLetters = try await Self.queue("jobs", of: client)?.deadLetters
                    return RecordedMessage.read(records).filter { $0.body == "fail-always-1" }.count == 4
                        && deadLetters == 1
                }
            )
            recorded = RecordedMessage.read(records)
            #expect(recorded.filter { $0.body == "fail-always-1" }.map(\.receiveCount) == [1, 2, 1, 2])
        }
        let invocations = try await environment.records()
        let counted = invocations.first { $0.function == "wordcount" && $0.log?.contains("4 words") == true }
        #expect(counted?.trigger == .queue && counted?.status == .success)
        #expect(invocations.filter { $0.function == "thrower" }.allSatisfy { $0.status == .error })
        #expect(Set(invocations.filter { $0.function == "rec" }.compactMap(\.attempt)) == [1, 2])
    }

    @Test("a batch request stores its messages together, and they are delivered with their attributes")
    func batchRequest() async throws {
        let environment = try TestEnvironment(functions: [:])
        defer { environment.remove() }
        let records = try environment.recordFile()
        try environment.writeManifest([
            "rec": TestEnvironment.recorder(queue: "jobs", recordFile: records, trigger: ["batchWindow": 0.2])
        ])
        try await environment.withInvoker { client in
            let response = try await client.execute(
                uri: "/queue/jobs/batch",
                method: .post,
                body: ByteBuffer(
                    string: #"{"messages":[{"body":"one","attributes":{"author":"Ada"}},{"body":"two"},"#
                        + #"{"body":"//4=","bodyEncoding":"base64"}]}"#
                )
            )
            #expect(response.status == .accepted)
            struct Sent: Decodable { var messages: [SentMessage] }
            let sent = try JSONDecoder().decode(Sent.self, from: response.body).messages
            #expect(sent.count == 3 && sent[0].md5OfMessageAttributes != nil && sent[1].md5OfMessageAttributes == nil)
            let invalid = try await client.execute(
                uri: "/queue/jobs/batch",
                method: .post,
                body: ByteBuffer(string: #"{"messages":[{"body":"ok"},{"body":""}]}"#)
            )
            #expect(invalid.status == .badRequest)
            #expect(String(buffer: invalid.body).contains("messages[1]: body must be a non-empty string"))
            let unknown = try await client.execute(
                uri: "/queue/nope/batch",
                method: .post,
                body: ByteBuffer(string: #"{"messages":[{"body":"ok"}]}"#)
            )
            #expect(unknown.status == .notFound)
            #expect(await eventually { RecordedMessage.read(records).count >= 3 })
        }
        let recorded = RecordedMessage.read(records)
        #expect(recorded.map(\.body) == ["one", "two", "//4="], "the invalid batch stored nothing")
        #expect(Set(recorded.map(\.startMicros)).count == 1, "messages stored together arrive in one batch")
    }

    @Test("bad input gets a clear error and stores nothing")
    func badInput() async throws {
        let environment = try TestEnvironment(functions: [:])
        defer { environment.remove() }
        try environment.writeManifest([
            "rec": TestEnvironment.recorder(queue: "jobs", recordFile: try environment.recordFile()),
            "echo": TestEnvironment.fixture("event"),
        ])
        try await environment.withInvoker { client in
            func expectError(_ response: TestResponse, _ status: HTTPResponse.Status, _ type: String, _ text: String) {
                #expect(response.status == status)
                let error = try? JSONDecoder().decode(ErrorDocument.self, from: response.body)
                #expect(error?.errorType == type, "\(String(buffer: response.body))")
                #expect(error?.errorMessage.contains(text) == true, "\(String(buffer: response.body))")
            }
            expectError(try await client.enqueue("", to: "jobs"), .badRequest, "InvalidMessage", "body is empty")
            let oversize = String(repeating: "x", count: QueueRoutes.maxMessageBytes + 1)
            expectError(try await client.enqueue(oversize, to: "jobs"), .contentTooLarge, "PayloadTooLarge", "262144")
            let attribute = HTTPField.Name(MessageAttribute.header)!
            let nearlyFull = String(repeating: "x", count: QueueRoutes.maxMessageBytes - 4)
            expectError(
                try await client.enqueue(nearlyFull, to: "jobs", headers: [attribute: #"{"author":"Ada"}"#]),
                .contentTooLarge,
                "PayloadTooLarge",
                "attributes take"
            )
            expectError(
                try await client.enqueue("hi", to: "nope"),
                .notFound,
                "QueueNotFound",
                #"no function consumes queue "nope"; the queues are: jobs"#
            )
            for json in ["{", #"{"a":true}"#, #"{"n":{"DataType":"Number","StringValue":"x"}}"#] {
                expectError(
                    try await client.enqueue("hi", to: "jobs", headers: [attribute: json]),
                    .badRequest,
                    "InvalidMessage",
                    "X-Message-Attributes"
                )
            }
            let unknown = try await client.execute(uri: "/async-function/nope", method: .post)
            expectError(unknown, .notFound, "FunctionNotFound", #"no function named "nope""#)
            let callback = HTTPField.Name.callbackURL
            let badCallback = try await client.execute(
                uri: "/async-function/echo",
                method: .post,
                headers: [callback: "ftp://example.com/x"]
            )
            expectError(badCallback, .badRequest, "InvalidMessage", "X-Callback-Url must be an absolute http")
            for url in ["http://127.0.0.1:99999/done", "http://127.0.0.1:0/done"] {
                let badPort = try await client.execute(
                    uri: "/async-function/echo",
                    method: .post,
                    headers: [callback: url]
                )
                expectError(badPort, .badRequest, "InvalidMessage", "X-Callback-Url")
            }
            let tooLarge = try await client.execute(
                uri: "/2015-03-31/functions/echo/invocations",
                method: .post,
                headers: [.amzInvocationType: "Event"],
                body: ByteBuffer(string: "\"" + String(repeating: "x", count: PayloadLimits.asynchronousEvent) + "\"")
            )
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.headers[.amznErrorType] == "RequestTooLargeException")
            let queues = try JSONDecoder().decode(
                [QueueStatistics].self,
                from: try await client.execute(
                    uri: "/system/queues",
                    method: .get,
                    headers: TestEnvironment.adminHeaders
                ).body
            )
            #expect(queues.map(\.name) == ["jobs"])
            #expect(queues.allSatisfy { $0.depth + $0.inFlight + $0.delayed + $0.deadLetters == 0 })
        }
        #expect(RecordedMessage.read(environment.directory.appendingPathComponent("records.txt").path).isEmpty)
        #expect(try await environment.records().isEmpty)
    }

    /// The statistics of `queue` from `GET /system/queues`.
    static func queue(_ name: String, of client: some TestClientProtocol) async throws -> QueueStatistics? {
        let response = try await client.execute(
            uri: "/system/queues",
            method: .get,
            headers: TestEnvironment.adminHeaders
        )
        return try JSONDecoder().decode([QueueStatistics].self, from: response.body).first { $0.name == name }
    }
}
