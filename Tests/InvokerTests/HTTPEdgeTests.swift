import Foundation
import NIOCore
import Testing

@testable import Invoker

/// The HTTP edge over raw sockets, where an HTTP client would hide what the server does: early answers to bodies it
/// does not read, stalled and idle clients, oversized heads and bodies, broken framing, and the JSON error of each.
@Suite("HTTP edge: limits, timeouts and errors over raw sockets", .serialized)
struct HTTPEdgeTests {
    /// A body one byte over Lambda's synchronous limit.
    static let oversizedBody = Invocation.maxPayloadBytes + 1

    @Test(
        "An answer before the body is read leaves no connection or buffer behind",
        arguments: [
            // Over the edge's limit (413 from the declared length), over the queue's own (413 from the route), an
            // unknown path (404): with Connection: close, and kept alive with more left than the server drains.
            ("/queue/words", HTTPEdgeTests.oversizedBody, true, 413),
            ("/queue/words", 1_048_576, true, 413),
            ("/nowhere", 1_048_576, true, 404),
            ("/nowhere", 1_048_576, false, 404),
        ]
    )
    func earlyAnswerLeavesNothing(path: String, size: Int, close: Bool, status: Int) async throws {
        let environment = try TestEnvironment(functions: TestEnvironment.edgeFunctions)
        defer { environment.remove() }
        try await environment.withEdgeInvoker { port in
            let before = TestEnvironment.serverConnections(port: port)
            for _ in 0..<5 {
                let socket = try await RawSocket(port: port)
                try await socket.send(
                    "POST \(path) HTTP/1.1\r\nHost: x\r\n\(close ? "Connection: close\r\n" : "")"
                        + "Content-Length: \(size)\r\n\r\n"
                )
                let writer = socket.writer
                async let sent: Void = RawSocket.sendFiller(count: size, to: writer)
                let answer = try #require(try await socket.receive())
                #expect(answer.status == status)
                #expect(answer.json?["errorType"] != nil)
                #expect(try await socket.closedByServer(), "the server keeps the connection open")
                await sent
                await socket.close()
            }
            let after = await TestEnvironment.serverConnections(port: port, settleAtMost: before)
            #expect(after <= before, "\(after - before) connections are still held open")
        }
    }

    @Test("A declared Content-Length over the limit gets 413 at once, without the body")
    func declaredLengthOverLimitIsRefusedEarly() async throws {
        let environment = try TestEnvironment(functions: TestEnvironment.edgeFunctions)
        defer { environment.remove() }
        try await environment.withEdgeInvoker { port in
            for path in ["/echo", "/2015-03-31/functions/echo/invocations"] {
                let socket = try await RawSocket(port: port)
                try await socket.send("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: 7000000\r\n\r\n")
                let answer = try #require(try await socket.receive(timeout: .seconds(5)), "no answer for \(path)")
                #expect(answer.status == 413)
                #expect(answer.headers["connection"] == "close")
                #expect(try await socket.closedByServer())
                if path.hasPrefix("/2015") {
                    #expect(answer.headers["x-amzn-errortype"] == "RequestTooLargeException")
                } else {
                    #expect(answer.json?["errorType"] as? String == "PayloadTooLarge")
                }
                await socket.close()
            }
        }
    }

    @Test("A client that stalls in the middle of a request head gets 408 and is disconnected after the head timeout")
    func slowHeadIsDisconnected() async throws {
        let environment = try TestEnvironment(functions: TestEnvironment.edgeFunctions)
        defer { environment.remove() }
        try await environment.withEdgeInvoker(HTTPEdgePolicy(headTimeout: .milliseconds(300))) { port in
            let socket = try await RawSocket(port: port)
            let start = ContinuousClock.now
            // A slowloris: a byte now and then, never finishing the head.
            let writer = socket.writer
            let trickle = Task {
                for byte in "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
                    guard (try? await writer.write(ByteBuffer(string: String(byte)))) != nil else { return }
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            defer { trickle.cancel() }
            let answer = try await socket.receive(timeout: .seconds(5))
            #expect(answer?.status == 408)
            #expect(answer?.json?["errorType"] as? String == "RequestTimeout")
            #expect(try await socket.closedByServer(within: .seconds(5)))
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            await socket.close()
        }
    }

    @Test("A new connection that has sent nothing yet is idle, not a slow head: it is kept for the idle timeout")
    func newConnectionIsIdle() async throws {
        let environment = try TestEnvironment(functions: TestEnvironment.edgeFunctions)
        defer { environment.remove() }
        let edge = HTTPEdgePolicy(headTimeout: .milliseconds(200), idleTimeout: .seconds(10))
        try await environment.withEdgeInvoker(edge) { port in
            let socket = try await RawSocket(port: port)
            // A client (or a proxy) that opens its connection ahead of its first request.
            try await Task.sleep(for: .milliseconds(600))
            try await socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await socket.receive()?.status == 200)
            await socket.close()
        }
    }

    @Test("A body that stops arriving gets 408 after the body timeout")
    func stalledBodyTimesOut() async throws {
        let environment = try TestEnvironment(functions: TestEnvironment.edgeFunctions)
        defer { environment.remove() }
        try await environment.withEdgeInvoker(HTTPEdgePolicy(bodyTimeout: .milliseconds(300))) { port in
            let socket = try await RawSocket(port: port)
            try await socket.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
            let answer = try await socket.receive(timeout: .seconds(5))
            #expect(answer?.status == 408)
            #expect(try await socket.closedByServer(within: .seconds(5)))
            await socket.close()
        }
    }

    @Test("An idle keep-alive connection is closed after the idle timeout")
    func idleConnectionIsClosed() async throws {
        let environment = try TestEnvironment(functions: TestEnvironment.edgeFunctions)
        defer { environment.remove() }
        try await environment.withEdgeInvoker(HTTPEdgePolicy(idleTimeout: .milliseconds(300))) { port in
            let socket = try await RawSocket(port: port)
            // The server's idle time starts once it has answered, which is after the request was sent: a lower
            // bound that does not depend on how long the answer took to arrive.
            let sent = ContinuousClock.now
            try await socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await socket.receive()?.status == 200)
            #expect(try await socket.closedByServer(within: .seconds(5)))
            #expect(ContinuousClock.now - sent >= .milliseconds(300))
            await socket.close()
        }
    }

    @Test("A head over the limit gets 431 with a JSON error")
    func hugeHeadGets431() async throws {
        let environment = try TestEnvironment(functions: TestEnvironment.edgeFunctions)
        defer { environment.remove() }
        try await environment.withEdgeInvoker { port in
            let socket = try await RawSocket(port: port)
            let huge = String(repeating: "a", count: 300 * 1024)
            try await socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Huge: \(huge)\r\n\r\n")
            let answer = try #require(try await socket.receive())
            #expect(answer.status == 431)
            #expect(answer.json?["errorType"] as? String == "RequestHeaderFieldsTooLarge")
            #expect(try await socket.closedByServer())
            await socket.close()
        }
    }

    @Test(
        "Requests the parser rejects get 400 with a JSON error, and the connection is closed",
        arguments: [
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
            "GARBAGE\r\n\r\n",
        ]
    )
    func parserErrorsAreJSON(request: String) async throws {
        let environment = try TestEnvironment(functions: TestEnvironment.edgeFunctions)
        defer { environment.remove() }
        try await environment.withEdgeInvoker { port in
            let socket = try await RawSocket(port: port)
            try await socket.send(request)
            let answer = try #require(try await socket.receive())
            #expect(answer.status == 400)
            #expect(answer.json?["errorType"] as? String == "BadRequest")
            #expect(try await socket.closedByServer())
            await socket.close()
        }
    }

    @Test("An unknown path is 404, a known path with another method 405 with Allow, both JSON")
    func routerErrorsAreJSON() async throws {
        let environment = try TestEnvironment(functions: TestEnvironment.edgeFunctions)
        defer { environment.remove() }
        try await environment.withEdgeInvoker { port in
            let socket = try await RawSocket(port: port)
            try await socket.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
            let notFound = try #require(try await socket.receive())
            #expect(notFound.status == 404)
            #expect(notFound.json?["errorType"] as? String == "NotFound")

            try await socket.send("GET /greet HTTP/1.1\r\nHost: x\r\n\r\n")
            let wrongMethod = try #require(try await socket.receive())
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers["allow"] == "POST")
            #expect(wrongMethod.json?["errorType"] as? String == "MethodNotAllowed")

            try await socket.send("PUT /2015-03-31/functions/echo/invocations HTTP/1.1\r\nHost: x\r\n\r\n")
            let invokeAPI = try #require(try await socket.receive())
            #expect(invokeAPI.status == 405)
            #expect(invokeAPI.headers["allow"] == "POST")
            #expect(invokeAPI.headers["x-amzn-errortype"] == "UnknownOperationException")

            try await socket.send("GET /2015-03-31/functions/echo HTTP/1.1\r\nHost: x\r\n\r\n")
            let invokeAPIPath = try #require(try await socket.receive())
            #expect(invokeAPIPath.status == 404)
            #expect(invokeAPIPath.headers["x-amzn-errortype"] == "UnknownOperationException")
            #expect(invokeAPIPath.json?["Message"] != nil)
            await socket.close()
        }
    }

    @Test("CONNECT gets a complete JSON answer and the connection is closed")
    func connectIsAnsweredAndClosed() async throws {
        let environment = try TestEnvironment(functions: TestEnvironment.edgeFunctions)
        defer { environment.remove() }
        try await environment.withEdgeInvoker { port in
            let socket = try await RawSocket(port: port)
            try await socket.send("CONNECT /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let answer = try #require(try await socket.receive(timeout: .seconds(5)))
            #expect(answer.status == 501)
            #expect(answer.headers["content-length"] != nil)
            #expect(answer.json?["errorType"] as? String == "NotImplemented")
            #expect(try await socket.closedByServer(within: .seconds(5)))
            await socket.close()
        }
    }

    @Test("A keep-alive request answered early with a small body left is drained; the connection serves the next")
    func earlyAnswerWithSmallBodyKeepsConnection() async throws {
        let environment = try TestEnvironment(functions: TestEnvironment.edgeFunctions)
        defer { environment.remove() }
        try await environment.withEdgeInvoker { port in
            let socket = try await RawSocket(port: port)
            let body = String(repeating: "x", count: 1000)
            try await socket.send("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n\(body)")
            #expect(try await socket.receive()?.status == 404)
            try await socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await socket.receive()?.status == 200)
            await socket.close()
        }
    }
}
