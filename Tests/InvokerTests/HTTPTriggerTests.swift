import ArgumentParser
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationCompat
import Runtime
import Testing

@testable import Invoker

/// End to end: the real invoker with real worker processes, over real sockets.
@Suite("HTTP triggers, end to end", .serialized, .everyTransport)
struct HTTPTriggerTests {
    @Test("GET and POST round trips through the example functions, each recorded")
    func roundTrips() async throws {
        let environment = try TestEnvironment(functions: [
            "hello": ["handler": "hello", "http": [["path": "/hello", "methods": ["GET"]]]],
            "greet": ["handler": "greet", "http": [["path": "/greet", "methods": ["POST"]]]],
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let hello = try await client.execute(uri: "/hello?name=Ada", method: .get)
            #expect(hello.status == .ok)
            #expect(String(buffer: hello.body) == "Hello, Ada!")
            #expect(hello.headers[.contentType]?.hasPrefix("text/plain") == true)

            let greet = try await client.execute(
                uri: "/greet",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"name":"Ada"}"#)
            )
            #expect(greet.status == .ok)
            #expect(greet.headers[.contentType] == "application/json")
            #expect(String(buffer: greet.body) == #"{"greeting":"Hello, Ada!"}"#)

            // Every function also answers at /function/{name}, any method, any sub-path.
            let byName = try await client.execute(uri: "/function/hello/any/path?name=Bo", method: .put)
            #expect(String(buffer: byName.body) == "Hello, Bo!")

            let missing = try await client.execute(uri: "/function/nope", method: .get)
            #expect(missing.status == .notFound)
            #expect(String(buffer: missing.body).contains(#""errorType":"FunctionNotFound""#))
        }
        let records = try await environment.records()
        #expect(records.count == 3)
        #expect(Set(records.map(\.function)) == ["hello", "greet"])
        #expect(records.allSatisfy { $0.trigger == .http && $0.status == .success && $0.httpStatus == 200 })
        #expect(records.allSatisfy { $0.durationMs > 0 && $0.endedAt >= $0.startedAt && $0.workerPid != nil })
        // The first request to each function started its worker: cold, with an init duration.
        let hello = records.filter { $0.function == "hello" }.sorted { $0.id < $1.id }
        #expect(hello.first?.cold == true && hello.first?.initDurationMs != nil)
        #expect(hello.last?.cold == false && hello.last?.initDurationMs == nil)
    }

    @Test("a 1 MiB binary body is echoed byte for byte with its content type")
    func binaryEcho() async throws {
        let environment = try TestEnvironment(functions: [
            "echo": ["handler": "echo", "http": [["path": "/echo", "methods": ["POST"]]], "timeout": 30]
        ])
        defer { environment.remove() }
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        let body = ByteBuffer(bytes: bytes)
        try await environment.withInvoker { client in
            let response = try await client.execute(
                uri: "/echo",
                method: .post,
                headers: [.contentType: "application/octet-stream"],
                body: body
            )
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/octet-stream")
            #expect(response.body == body)
        }
        let record = try #require(try await environment.records().first)
        #expect(record.requestBytes > 1 << 20)
        #expect(record.responseBytes > 1 << 20)
    }

    @Test("a function error is a 502 with its errorType and errorMessage, recorded as error")
    func functionError() async throws {
        // One worker at most: the pool's headroom would otherwise start a second, which may take the next request.
        let environment = try TestEnvironment(functions: [
            "fail": TestEnvironment.fixture("fail", ["scaling": ["max": 1]])
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let response = try await client.execute(uri: "/function/fail", method: .post)
            #expect(response.status == .badGateway)
            let error = try JSONDecoder().decode(ErrorDocument.self, from: response.body)
            #expect(error.errorType == "FixtureError")
            #expect(error.errorMessage == "failed on purpose")
            // The worker carries on after a handler error.
            let again = try await client.execute(uri: "/function/fail", method: .post)
            #expect(again.status == .badGateway)
        }
        let records = try await environment.records()
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0.status == .error && $0.errorType == "FixtureError" && $0.httpStatus == 502 })
        #expect(Set(records.map(\.workerPid)).count == 1)
    }

    @Test("an invocation past its timeout gets 504, its worker is killed, and the next one gets a new worker")
    func timeout() async throws {
        let environment = try TestEnvironment(functions: ["sleep": TestEnvironment.fixture("sleep", ["timeout": 0.5])])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let response = try await client.execute(
                uri: "/function/sleep",
                method: .post,
                body: ByteBuffer(string: #"{"ms":30000}"#)
            )
            #expect(response.status == .gatewayTimeout)
            let error = try JSONDecoder().decode(ErrorDocument.self, from: response.body)
            #expect(error.errorType == "Sandbox.Timedout")
            #expect(error.errorMessage == "Task timed out after 0.50 seconds")
            // While the invoker still runs, the timed-out worker's process is gone.
            let pid = try #require(try await environment.waitForRecords(count: 1).first?.workerPid)
            #expect(await eventually { kill(pid, 0) != 0 })
            let quick = try await client.execute(
                uri: "/function/sleep",
                method: .post,
                body: ByteBuffer(string: #"{"ms":1}"#)
            )
            #expect(quick.status == .ok)
        }
        let records = try await environment.records().sorted { $0.id < $1.id }
        #expect(records.map(\.status) == [.timeout, .success])
        #expect(records[0].httpStatus == 504)
        #expect(records[0].durationMs >= 500)
        #expect(records[0].workerPid != records[1].workerPid)
    }

    @Test("a worker that crashes mid-invocation gives 502 naming the signal, and the next request succeeds")
    func crash() async throws {
        let environment = try TestEnvironment(functions: ["crash": TestEnvironment.fixture("crash")])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let response = try await client.execute(
                uri: "/function/crash",
                method: .post,
                body: ByteBuffer(string: #"{"signal":"SIGSEGV"}"#)
            )
            #expect(response.status == .badGateway)
            let error = try JSONDecoder().decode(ErrorDocument.self, from: response.body)
            #expect(error.errorType == "Runtime.ExitError")
            #expect(error.errorMessage.contains("signal 11 (SIGSEGV)"))
            // A fresh worker serves the next request; a worker that exits by itself is reported the same way.
            for (crash, message) in [(#"{"exitCode":3}"#, "exit status 3")] {
                let fine = try await client.execute(
                    uri: "/function/crash",
                    method: .post,
                    body: ByteBuffer(string: "{}")
                )
                #expect(fine.status == .ok)
                let exited = try await client.execute(
                    uri: "/function/crash",
                    method: .post,
                    body: ByteBuffer(string: crash)
                )
                #expect(exited.status == .badGateway && String(buffer: exited.body).contains(message))
            }
            let fine = try await client.execute(uri: "/function/crash", method: .post, body: ByteBuffer(string: "{}"))
            #expect(fine.status == .ok)
        }
        let records = try await environment.records().sorted { $0.id < $1.id }
        #expect(records.map(\.status) == [.crash, .success, .crash, .success])
        #expect(records[0].errorType == "Runtime.ExitError")
    }

    @Test("a worker sees its declared environment and the Lambda variables, never the invoker's")
    func environmentIsolation() async throws {
        setenv("INVOKER_TEST_SECRET", "do-not-leak", 1)
        let environment = try TestEnvironment(functions: [
            "env": TestEnvironment.fixture("env", ["environment": ["GREETING": "Hi"], "memory": 256])
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let response = try await client.execute(uri: "/function/env", method: .get)
            let variables = try JSONDecoder().decode([String: String].self, from: response.body)
            #expect(variables["GREETING"] == "Hi")
            #expect(variables["INVOKER_TEST_SECRET"] == nil)
            #expect(variables["_HANDLER"] == "env")
            #expect(variables["AWS_LAMBDA_FUNCTION_NAME"] == "env")
            #expect(variables["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256")
            #expect(variables["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST")
            if EveryTransport.current == .native {
                // The socket was moved off standard input before the handler ran, and only its number is passed.
                #expect(variables["INVOKER_RUNTIME_FD"] == "0" && variables["AWS_LAMBDA_RUNTIME_API"] == nil)
            } else {
                #expect(variables["AWS_LAMBDA_RUNTIME_API"]?.hasPrefix("127.0.0.1:") == true)
            }
            #expect(variables["AWS_REGION"] != nil && variables["TZ"] != nil && variables["LAMBDA_TASK_ROOT"] != nil)
            // Lambda's form: the day the worker started, the version and 32 hexadecimal digits.
            let stream = try #require(variables["AWS_LAMBDA_LOG_STREAM_NAME"])
            #expect(stream.wholeMatch(of: /\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}/) != nil, "\(stream)")
            // Every variable the manifest may not set is one the worker gets (the other transport's aside, and the
            // concurrency, set only above 1), and the worker gets nothing else but the manifest's variables and PATH,
            // LANG and TZ.
            #expect(variables["AWS_LAMBDA_MAX_CONCURRENCY"] == nil)
            let connection: WorkerVariable = EveryTransport.current == .native ? .runtimeAPI : .runtimeDescriptor
            let reserved = WorkerVariable.reservedNames.subtracting([
                connection.rawValue, WorkerVariable.maxConcurrency.rawValue,
            ])
            #expect(reserved.subtracting(variables.keys).isEmpty)
            #expect(Set(variables.keys).subtracting(reserved).subtracting(["GREETING", "PATH", "LANG", "TZ"]).isEmpty)
        }
    }

    @Test("what a worker prints during an invocation is stored with that invocation's record")
    func capturedOutput() async throws {
        let environment = try TestEnvironment(functions: ["print": TestEnvironment.fixture("print")])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            for batch in [["one", "two"], ["three"]] {
                let body = try JSONEncoder().encode(["lines": batch])
                let response = try await client.execute(
                    uri: "/function/print",
                    method: .post,
                    body: ByteBuffer(bytes: body)
                )
                #expect(response.status == .ok)
            }
        }
        let records = try await environment.records().sorted { $0.id < $1.id }
        #expect(records.count == 2)
        let first = try #require(records.first?.log)
        let second = try #require(records.last?.log)
        #expect(first.contains("one\n") && first.contains("two\n") && first.contains("stderr: two"))
        #expect(!first.contains("three"))
        #expect(second.contains("three\n") && !second.contains("one"))
    }

    @Test("a handler the worker does not have is reported as its init error")
    func initError() async throws {
        let environment = try TestEnvironment(functions: ["ghost": TestEnvironment.fixture("no-such-handler")])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let response = try await client.execute(uri: "/function/ghost", method: .get)
            #expect(response.status == .badGateway)
            let error = try JSONDecoder().decode(ErrorDocument.self, from: response.body)
            #expect(error.errorType == "Runtime.HandlerNotFound")
            #expect(error.errorMessage.contains("no-such-handler"))
        }
        let record = try #require(try await environment.records().first)
        #expect(record.status == .error && record.errorType == "Runtime.HandlerNotFound")
    }
    @Test("with --no-invocation-log, invocations are answered and counted in the metrics but not recorded")
    func invocationLogOff() async throws {
        let environment = try TestEnvironment(functions: [
            "hello": ["handler": "hello", "http": [["path": "/hello", "methods": ["GET"]]]]
        ])
        defer { environment.remove() }
        let serve = try Serve.parse(["--no-invocation-log"])
        var configuration = environment.configuration
        configuration.recordsInvocations = !serve.noInvocationLog
        var logger = Logger(label: "invoker-test")
        logger.logLevel = .warning
        let app = try await buildApplication(configuration, logger: logger)
        try await app.test(.live) { client in
            let hello = try await client.execute(uri: "/hello?name=Ada", method: .get)
            #expect(String(buffer: hello.body) == "Hello, Ada!")
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: TestEnvironment.adminHeaders)
            #expect(String(buffer: metrics.body).contains(#"faas_invocations{function="hello""#))
        }
        #expect(try await environment.records().isEmpty)
    }
}

@Suite("Function URL mapping, end to end", .serialized, .everyTransport)
struct FunctionURLMappingTests {
    @Test("a request becomes a complete payload 2.0 event: route, path, query, cookies, headers, parameters, body")
    func requestEvent() async throws {
        let environment = try TestEnvironment(functions: [
            "event": TestEnvironment.fixture(
                "event",
                ["http": [["path": "/items/{id}/{rest+}", "methods": ["POST"]], ["path": "/raw"]]]
            )
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let response = try await client.execute(
                uri: "/items/42/deep/er?x=1&x=2&y=a%20b",
                method: .post,
                headers: [.cookie: "a=1; b=2", .init("X-Custom")!: "v", .contentType: "text/plain"],
                body: ByteBuffer(string: "héllo")
            )
            #expect(response.status == .ok)
            let event = try JSONDecoder().decode(FunctionURLRequest.self, from: response.body)
            #expect(event.version == "2.0")
            #expect(event.routeKey == "POST /items/{id}/{rest+}")
            #expect(event.rawPath == "/items/42/deep/er")
            #expect(event.rawQueryString == "x=1&x=2&y=a%20b")
            #expect(event.queryStringParameters == ["x": "1,2", "y": "a b"])
            #expect(event.pathParameters == ["id": "42", "rest": "deep/er"])
            #expect(event.cookies == ["a=1", "b=2"])
            #expect(event.headers["x-custom"] == "v" && event.headers["cookie"] == nil)
            #expect(event.body == "héllo" && !event.isBase64Encoded)
            #expect(event.requestContext.http.method == "POST")
            #expect(event.requestContext.http.sourceIp == "127.0.0.1")
            #expect(event.requestContext.requestId == response.headers[.amznRequestID])
            #expect(event.requestContext.timeEpoch > 0 && event.requestContext.time.hasSuffix("+0000"))

            let binary = try await client.execute(
                uri: "/function/event/sub/path",
                method: .put,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: [0x89, 0x50, 0x4E, 0x47, 0xFF, 0x00])
            )
            let binaryEvent = try JSONDecoder().decode(FunctionURLRequest.self, from: binary.body)
            #expect(binaryEvent.isBase64Encoded && binaryEvent.body == "iVBOR/8A")
            #expect(binaryEvent.rawPath == "/sub/path" && binaryEvent.routeKey == "$default")
            #expect(binaryEvent.pathParameters == nil && binaryEvent.queryStringParameters == nil)
        }
    }

    @Test("a structured result sets status, headers, cookies and a base64 body; anything else is a JSON body")
    func responseMapping() async throws {
        let environment = try TestEnvironment(functions: ["respond": TestEnvironment.fixture("respond")])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let structured = FunctionURLResponse(
                statusCode: 201,
                headers: ["content-type": "image/png", "x-extra": "1"],
                cookies: ["a=1", "b=2; Path=/"],
                body: "iVBOR/8A",
                isBase64Encoded: true
            )
            let response = try await client.execute(
                uri: "/function/respond",
                method: .post,
                body: ByteBuffer(bytes: try JSONEncoder().encode(structured))
            )
            #expect(response.status == .created)
            #expect(response.headers[.contentType] == "image/png" && response.headers[.init("x-extra")!] == "1")
            #expect(response.headers[values: .setCookie] == ["a=1", "b=2; Path=/"])
            #expect(response.body == ByteBuffer(bytes: [0x89, 0x50, 0x4E, 0x47, 0xFF, 0x00]))
        }
    }
}
