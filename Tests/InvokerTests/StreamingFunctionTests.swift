import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

@testable import Invoker

/// End to end: Swift functions that stream their responses (the fixtures' `stream`), over each worker transport, to
/// HTTP callers and the Invoke API.
@Suite("Streamed responses from Swift functions, end to end", .serialized, .everyTransport)
struct StreamingFunctionTests {
    private static func environment(timeout: Double = 30) throws -> TestEnvironment {
        try TestEnvironment(functions: [
            "stream": TestEnvironment.fixture(
                "stream",
                ["http": [["path": "/stream", "methods": ["GET"]]], "timeout": timeout]
            )
        ])
    }

    /// Byte `index` of the fixture's `bytes` mode.
    private static func pattern(_ count: Int) -> ByteBuffer {
        ByteBuffer(bytes: (0..<count).map { UInt8($0 % 251) })
    }

    @Test("the caller receives the first chunk while the function has yet to write its last")
    func firstChunkFirst() async throws {
        let environment = try Self.environment()
        defer { environment.remove() }
        let gate = environment.directory.appendingPathComponent("gate").path
        try await environment.withInvoker { client in
            let raw = try await RawHTTPClient(port: try #require(client.port))
            try await raw.send(.GET, "/stream?mode=gate&gate=\(gate)")
            let head = try await raw.receiveHead()
            #expect(head.status == .ok)
            #expect(head.headers.first(name: "content-type") == "application/octet-stream")
            #expect(try await raw.receiveBodyPart() == "first\n")
            // Only now may the function write its last line.
            #expect(FileManager.default.createFile(atPath: gate, contents: nil))
            var rest = ""
            while let part = try await raw.receiveBodyPart() { rest += part }
            #expect(rest == "last\n")
            try await raw.close()
        }
        let record = try #require(try await environment.waitForRecords(count: 1).first)
        #expect(record.status == .success && record.httpStatus == 200 && record.responseBytes == 11)
    }

    @Test("status, headers and cookies written first are the HTTP response's")
    func statusAndHeaders() async throws {
        let environment = try Self.environment()
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let response = try await client.execute(uri: "/stream?mode=prelude", method: .get)
            #expect(response.status == .created)
            #expect(response.headers[HTTPField.Name("x-stream")!] == "yes")
            #expect(response.headers[.setCookie] == "flavour=plain")
            #expect(String(buffer: response.body) == "streamed")
        }
        let record = try #require(try await environment.waitForRecords(count: 1).first)
        #expect(record.status == .success && record.httpStatus == 201)
    }

    @Test("a caller that goes away mid-stream stops neither its function nor the invocation beside it on the worker")
    func callerGoesAway() async throws {
        let environment = try TestEnvironment(functions: [
            "stream": TestEnvironment.fixture(
                "stream",
                ["http": [["path": "/stream", "methods": ["GET"]]], "concurrency": 2, "scaling": ["max": 1]]
            )
        ])
        defer { environment.remove() }
        let leaving = environment.directory.appendingPathComponent("leaving").path
        let staying = environment.directory.appendingPathComponent("staying").path
        try await environment.withInvoker { client in
            let port = try #require(client.port)
            var streams: [RawHTTPClient] = []
            for gate in [leaving, staying] {
                let raw = try await RawHTTPClient(port: port)
                try await raw.send(.GET, "/stream?mode=gate&gate=\(gate)")
                #expect(try await raw.receiveHead().status == .ok)
                #expect(try await raw.receiveBodyPart() == "first\n")
                streams.append(raw)
            }
            try await streams[0].close()
            #expect(FileManager.default.createFile(atPath: leaving, contents: nil))
            #expect(FileManager.default.createFile(atPath: staying, contents: nil))
            var rest = ""
            while let part = try await streams[1].receiveBodyPart() { rest += part }
            #expect(rest == "last\n")
            try await streams[1].close()
        }
        let records = try await environment.waitForRecords(count: 2)
        #expect(records.allSatisfy { $0.status == .success }, "\(records)")
        #expect(Set(records.map(\.workerPid)).count == 1)
    }

    @Test("an error mid-stream ends the caller's stream early, and the record has the error")
    func errorMidStream() async throws {
        let environment = try Self.environment()
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let response = try await client.execute(uri: "/stream?mode=fail", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "partial")
        }
        let record = try #require(try await environment.waitForRecords(count: 1).first)
        #expect(record.status == .error)
        #expect(record.errorType == "FixtureError" && record.errorMessage == "failed mid-stream")
    }

    @Test("a function that runs past its timeout mid-stream is stopped: the stream ends and the record says so")
    func timeoutMidStream() async throws {
        let environment = try Self.environment(timeout: 1)
        defer { environment.remove() }
        let gate = environment.directory.appendingPathComponent("never").path
        try await environment.withInvoker { client in
            let response = try await client.execute(uri: "/stream?mode=gate&gate=\(gate)", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "first\n")
        }
        let record = try #require(try await environment.waitForRecords(count: 1).first)
        #expect(record.status == .timeout, "\(record)")
    }

    @Test("a 1 MiB stream, some of it in writes larger than a native chunk, arrives intact")
    func largeStream() async throws {
        let environment = try Self.environment()
        defer { environment.remove() }
        let count = (1 << 20) + 3
        try await environment.withInvoker { client in
            let response = try await client.execute(
                uri: "/stream?mode=bytes&bytes=\(count)&chunk=\((1 << 20) + 1)",
                method: .get
            )
            #expect(response.status == .ok)
            #expect(response.body.readableBytes == count)
            #expect(response.body == Self.pattern(count))
        }
        let record = try #require(try await environment.waitForRecords(count: 1).first)
        #expect(record.status == .success && record.responseBytes == count)
    }

    @Test("the Invoke API reads a streamed response whole")
    func invokeAPI() async throws {
        let environment = try Self.environment()
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let response = try await client.execute(
                uri: "/2015-03-31/functions/stream/invocations",
                method: .post,
                body: ByteBuffer(string: #"{"mode":"bytes","bytes":"300000","chunk":"65536"}"#)
            )
            #expect(response.status == .ok)
            #expect(response.body == Self.pattern(300_000))
        }
        let record = try #require(try await environment.waitForRecords(count: 1).first)
        #expect(record.status == .success && record.trigger == .invoke)
    }
}
