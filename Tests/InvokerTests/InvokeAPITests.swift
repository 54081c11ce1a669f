import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing

@testable import Invoker

/// The Lambda Invoke API end to end: the real invoker, real workers, answers as AWS SDKs read them.
@Suite("Invoke API, end to end", .serialized, .everyTransport)
struct InvokeAPITests {
    @Test("a typed Swift handler answers raw JSON through names, partial and full ARNs, and $LATEST")
    func functionNames() async throws {
        let environment = try TestEnvironment(functions: [
            "greet": ["handler": "greet", "http": [["path": "/greet", "methods": ["POST"]]]]
        ])
        defer { environment.remove() }
        let arn = "arn:aws:lambda:us-east-1:000000000000:function:greet"
        let names = [
            "greet", "greet:$LATEST", "000000000000:function:greet", "123456789012:function:greet:%24LATEST",
            arn, arn.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, "greet?Qualifier=%24LATEST",
        ]
        try await environment.withInvoker { client in
            for name in names {
                let response = try await client.invoke(name, body: #"{"name":"Ada"}"#)
                #expect(response.status == .ok, "\(name)")
                #expect(String(buffer: response.body) == #"{"greeting":"Hello, Ada!"}"#, "\(name)")
                #expect(response.headers[.amzExecutedVersion] == "$LATEST")
                #expect(response.headers[.amzFunctionError] == nil)
            }
            // The same handler over HTTP gets a Function URL event and decodes its body.
            let http = try await client.execute(
                uri: "/greet",
                method: .post,
                body: ByteBuffer(string: #"{"name":"Bo"}"#)
            )
            #expect(String(buffer: http.body) == #"{"greeting":"Hello, Bo!"}"#)
        }
        let records = try await environment.waitForRecords(count: names.count + 1)
        #expect(records.filter { $0.trigger == .invoke }.count == names.count)
        #expect(records.allSatisfy { $0.status == .success })
    }

    @Test("service errors: x-amzn-ErrorType and a {Type, Message} body, with the request id")
    func serviceErrors() async throws {
        // 30 s: echoing 6 MB takes a debug build longer than the default 3 s on a busy machine.
        let environment = try TestEnvironment(functions: ["event": TestEnvironment.fixture("event", ["timeout": 30])])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let cases: [(name: String, headers: HTTPFields, body: String, status: HTTPResponse.Status, type: String)] =
                [
                    ("nope", [:], "{}", .notFound, "ResourceNotFoundException"),
                    ("event:v1", [:], "{}", .notFound, "ResourceNotFoundException"),
                    ("event?Qualifier=prod", [:], "{}", .notFound, "ResourceNotFoundException"),
                    ("event:v1?Qualifier=v2", [:], "{}", .badRequest, "InvalidParameterValueException"),
                    ("bad%20name", [:], "{}", .badRequest, "ValidationException"),
                    ("event", [.amzInvocationType: "Sometimes"], "{}", .badRequest, "ValidationException"),
                    ("event", [.amzLogType: "All"], "{}", .badRequest, "ValidationException"),
                    ("event", [:], "not json", .badRequest, "InvalidRequestContentException"),
                    (
                        "event", [.amzClientContext: "%%%"], "{}", .badRequest,
                        "InvalidRequestContentException"
                    ),
                ]
            for item in cases {
                let response = try await client.invoke(item.name, headers: item.headers, body: item.body)
                #expect(response.status == item.status, "\(item.name) \(item.headers)")
                #expect(response.headers[.amznErrorType] == item.type, "\(item.name) \(item.headers)")
                #expect(response.headers[.amznRequestID]?.count == 36)
                let document = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                #expect(document?["Type"] == "User" && document?["Message"]?.isEmpty == false)
            }
            let missing = try await client.invoke("nope:$LATEST", body: "{}")
            #expect(String(buffer: missing.body).contains("Function not found: arn:aws:lambda:us-east-1:"))
            let qualified = try await client.invoke("event?Qualifier=prod", body: "{}")
            #expect(String(buffer: qualified.body).contains("function:event:prod"))

            // DryRun: 204, nothing runs. An empty body is the event {}.
            let dryRun = try await client.invoke("event", headers: [.amzInvocationType: "DryRun"])
            #expect(dryRun.status == .noContent && dryRun.headers[.amznRequestID] != nil)
            let empty = try await client.invoke("event")
            #expect(String(buffer: empty.body) == "{}")

            // Lambda's synchronous limit is 6,291,456 bytes: that many are accepted, one more is not.
            let fits = #"""# + String(repeating: "a", count: Invocation.maxPayloadBytes - 2) + #"""#
            let accepted = try await client.invoke("event", body: fits)
            #expect(accepted.status == .ok && accepted.body.readableBytes == Invocation.maxPayloadBytes)
            let tooLarge = try await client.invoke("event", body: fits + " ")
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.headers[.amznErrorType] == "RequestTooLargeException")
            #expect(String(buffer: tooLarge.body).contains("6291456 bytes"))
        }
        let records = try await environment.waitForRecords(count: 2)
        #expect(records.count == 2, "only the invocations that ran are recorded")
    }

    @Test("function errors, timeouts and crashes are 200 with X-Amz-Function-Error: Unhandled and Lambda's documents")
    func functionErrors() async throws {
        let environment = try TestEnvironment(functions: [
            "fail": TestEnvironment.fixture("fail"),
            "sleep": TestEnvironment.fixture("sleep", ["timeout": 0.5]),
            "crash": TestEnvironment.fixture("crash"),
            // Six megabytes through a debug build on a busy machine can take longer than the default 3 s.
            "large": TestEnvironment.fixture("large", ["timeout": 30]),
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let failed = try await client.invoke("fail", body: "{}")
            #expect(failed.status == .ok && failed.headers[.amzFunctionError] == "Unhandled")
            let error = try JSONDecoder().decode(ErrorDocument.self, from: failed.body)
            #expect(error.errorType == "FixtureError" && error.errorMessage == "failed on purpose")

            let slow = try await client.invoke("sleep", body: #"{"ms":30000}"#)
            let id = try #require(slow.headers[.amznRequestID])
            #expect(slow.status == .ok && slow.headers[.amzFunctionError] == "Unhandled")
            let timeout = try JSONDecoder().decode(ErrorDocument.self, from: slow.body)
            #expect(timeout.errorType == "Sandbox.Timedout")
            #expect(timeout.errorMessage == "RequestId: \(id) Error: Task timed out after 0.50 seconds")

            let crashed = try await client.invoke("crash", body: #"{"exitCode":3}"#)
            #expect(crashed.status == .ok && crashed.headers[.amzFunctionError] == "Unhandled")
            let crash = try JSONDecoder().decode(ErrorDocument.self, from: crashed.body)
            #expect(crash.errorType == "Runtime.ExitError")
            #expect(crash.errorMessage.hasSuffix("Error: Runtime exited with error: exit status 3"))

            // A response over 6 MB fails the invocation, as on Lambda.
            let large = try await client.invoke("large", body: #"{"bytes":6291457}"#)
            #expect(large.headers[.amzFunctionError] == "Unhandled")
            #expect(
                try JSONDecoder().decode(ErrorDocument.self, from: large.body).errorType
                    == "Function.ResponseSizeTooLarge"
            )
            let fits = try await client.invoke("large", body: #"{"bytes":6291456}"#)
            #expect(fits.headers[.amzFunctionError] == nil && fits.body.readableBytes == 6_291_456)
        }
        let records = try await environment.waitForRecords(count: 5)
        let byFunction = Dictionary(grouping: records, by: \.function)
        #expect(byFunction["fail"]?.first?.status == .error)
        #expect(byFunction["sleep"]?.first?.status == .timeout)
        #expect(byFunction["crash"]?.first?.status == .crash)
        #expect(records.allSatisfy { $0.trigger == .invoke && $0.httpStatus == 200 })
    }

    @Test("X-Amz-Log-Type: Tail returns the last 4 KB of START, the output, END and REPORT")
    func logTail() async throws {
        let environment = try TestEnvironment(functions: ["print": TestEnvironment.fixture("print", ["memory": 96])])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let tail: HTTPFields = [.amzLogType: "Tail"]
            let cold = try await client.invoke("print", headers: tail, body: #"{"lines":["one","two"]}"#)
            let id = try #require(cold.headers[.amznRequestID])
            let log = try #require(Self.decodeLog(cold))
            let lines = log.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == "START RequestId: \(id) Version: $LATEST")
            #expect(lines.contains("one") && lines.contains("stderr: two"))
            #expect(lines.contains("END RequestId: \(id)"))
            let report = try #require(lines.first { $0.hasPrefix("REPORT ") })
            let fields = report.split(separator: "\t").map(String.init)
            #expect(fields[0] == "REPORT RequestId: \(id)")
            #expect(fields[1].wholeMatch(of: /Duration: \d+\.\d\d ms/) != nil)
            #expect(fields[2].wholeMatch(of: /Billed Duration: \d+ ms/) != nil)
            #expect(fields[3] == "Memory Size: 96 MB")
            #expect(fields[4].wholeMatch(of: /Max Memory Used: \d+ MB/) != nil)
            #expect(fields[5].wholeMatch(of: /Init Duration: \d+\.\d\d ms/) != nil, "a cold start reports its init")
            #expect(log.hasSuffix("\t\n"))

            let warm = try await client.invoke("print", headers: tail, body: #"{"lines":["three"]}"#)
            #expect(try #require(Self.decodeLog(warm)).contains("Init Duration") == false)
            let none = try await client.invoke("print", body: #"{"lines":[]}"#)
            #expect(none.headers[.amzLogResult] == nil)

            // Long output: only the last 4 KB, ending with the report.
            let many = (0..<200).map { "\"line \($0) é\"" }.joined(separator: ",")
            let long = try await client.invoke("print", headers: tail, body: #"{"lines":[\#(many)]}"#)
            let encoded = try #require(long.headers[.amzLogResult])
            let bytes = try #require(Data(base64Encoded: encoded))
            #expect(bytes.count <= 4096 && bytes.count > 4000)
            let text = try #require(String(data: bytes, encoding: .utf8))
            #expect(text.contains("line 199") && !text.contains("START") && text.contains("REPORT RequestId"))
        }
    }

    @Test("the client context is decoded for the worker; every invocation has its own id, trace id and deadline")
    func metadata() async throws {
        let environment = try TestEnvironment(functions: ["metadata": TestEnvironment.fixture("metadata")])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let clientContext = #"{"custom":{"tenant":"t1"},"env":{"locale":"en"}}"#
            let start = Int64(Date().timeIntervalSince1970 * 1000)
            let first = try await client.invoke(
                "metadata",
                headers: [.amzClientContext: Data(clientContext.utf8).base64EncodedString()],
                body: "{}"
            )
            let second = try await client.invoke("metadata", body: "{}")
            struct Seen: Decodable {
                var requestID: String
                var invokedFunctionARN: String
                var traceID: String
                var clientContext: String?
                var deadline: Int64
            }
            let one = try JSONDecoder().decode(Seen.self, from: first.body)
            let two = try JSONDecoder().decode(Seen.self, from: second.body)
            #expect(one.clientContext == clientContext && two.clientContext == nil)
            #expect(one.requestID == first.headers[.amznRequestID])
            #expect(one.invokedFunctionARN == "arn:aws:lambda:us-east-1:000000000000:function:metadata")
            #expect(one.traceID.hasPrefix("Root=1-") && one.traceID != two.traceID)
            #expect(one.deadline >= start + 2_500 && one.deadline <= start + 60_000, "3 s after it started")
        }
    }

    @Test("a throttled call is 429 TooManyRequestsException with Retry-After")
    func throttled() async throws {
        let environment = try TestEnvironment(functions: [
            "sleep": TestEnvironment.fixture("sleep", ["scaling": ["min": 1, "max": 1, "maxQueue": 0]])
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            #expect(await eventually { (try? await client.invoke("sleep", body: #"{"ms":1}"#).status) == .ok })
            let statuses = try await withThrowingTaskGroup(of: TestClient.Response.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await client.executeConcurrently(
                            uri: "/2015-03-31/functions/sleep/invocations",
                            method: .post,
                            body: ByteBuffer(string: #"{"ms":1500}"#)
                        )
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0.status == .ok }.count == 1)
            let throttled = statuses.filter { $0.status == .tooManyRequests }
            #expect(throttled.count == 2)
            #expect(throttled.allSatisfy { $0.headers[.amznErrorType] == "TooManyRequestsException" })
            #expect(throttled.allSatisfy { $0.headers[.retryAfter] == "1" })
            #expect(throttled.allSatisfy { String(buffer: $0.body ?? ByteBuffer()).contains("ReservedFunction") })
        }
    }

    private static func decodeLog(_ response: TestResponse) -> String? {
        response.headers[.amzLogResult].flatMap { Data(base64Encoded: $0) }.flatMap {
            String(data: $0, encoding: .utf8)
        }
    }
}

extension TestClientProtocol {
    /// Calls the Invoke API for `function` (a name or ARN, then the query string if any: `greet?Qualifier=v1`).
    fileprivate func invoke(
        _ function: String,
        headers: HTTPFields = [:],
        body: String? = nil
    ) async throws -> TestResponse {
        let parts = function.split(separator: "?", maxSplits: 1)
        return try await execute(
            uri: "/2015-03-31/functions/\(parts[0])/invocations" + (parts.count == 2 ? "?\(parts[1])" : ""),
            method: .post,
            headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        )
    }
}
