import Foundation
import NIOCore
import NIOPosix
import Runtime
import Synchronization
import Testing

@testable import Invoker

/// The invoker's end of the native transport against a worker played by the test, frame by frame.
@Suite("Native transport connection")
struct NativeConnectionTests {
    static func invocation(_ id: String) -> Invocation {
        Invocation(
            id: id,
            payload: ByteBuffer(string: #"{"a":1}"#),
            deadlineEpochMs: 1_700_000_000_000,
            functionARN: "arn:aws:lambda:us-east-1:000000000000:function:f",
            traceID: "Root=1-abc",
            clientContext: #"{"custom":{}}"#
        )
    }

    /// Opens a connection and plays its worker on the other end of the socket pair.
    static func withWorker(
        _ body: (
            NativeConnection, _ events: @Sendable () -> [String],
            NIOAsyncChannelInboundStream<NativeFrame>.AsyncIterator,
            NIOAsyncChannelOutboundWriter<NativeFrame>
        ) async throws -> Void
    ) async throws {
        let events = Mutex<[String]>([])
        let connection = try await NativeConnection.open(on: MultiThreadedEventLoopGroup.singleton.next()) { event in
            events.withLock { $0.append("\(event)") }
        }
        let worker = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .withConnectedSocket(try #require(connection.workerDescriptor)) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(NativeFrameDecoder()),
                        MessageToByteHandler(NativeFrameEncoder())
                    )
                    return try NIOAsyncChannel<NativeFrame, NativeFrame>(wrappingChannelSynchronously: channel)
                }
            }
        try await worker.executeThenClose { inbound, outbound in
            try await body(connection, { events.withLock { $0 } }, inbound.makeAsyncIterator(), outbound)
        }
        connection.close(exit: .exited(0))
    }

    @Test("ready, invoke, response, error; a timeout; a late answer makes the worker unusable")
    func conversation() async throws {
        try await Self.withWorker { connection, events, frames, worker in
            var frames = frames
            try await worker.write(.ready)
            #expect(await eventually { events() == ["ready"] })

            async let first = connection.invoke(Self.invocation("req-1"), timeout: .seconds(30))
            guard case .invoke(let delivered) = try await frames.next() else {
                Issue.record("expected an invocation")
                return
            }
            #expect(delivered.id == "req-1" && delivered.deadline == 1_700_000_000_000)
            #expect(delivered.clientContext == #"{"custom":{}}"# && delivered.cognitoIdentity == nil)
            #expect(delivered.event == .bytes(ByteBuffer(string: #"{"a":1}"#)))
            try await worker.write(.response(id: "req-1", body: ByteBuffer(string: "ok")))
            guard case .response(let body) = try await first else {
                Issue.record("expected a response")
                return
            }
            #expect(String(buffer: body) == "ok")
            // The response also asks for the next invocation.
            #expect(await eventually { events() == ["ready", "replied", "ready"] })

            async let second = connection.invoke(Self.invocation("req-2"), timeout: .seconds(30))
            _ = try await frames.next()
            try await worker.write(.error(id: "req-2", type: "FixtureError", message: "boom"))
            guard case .error(let error) = try await second else {
                Issue.record("expected an error")
                return
            }
            #expect(error.type == "FixtureError" && error.message == "boom")
            let document = try JSONDecoder().decode([String: String].self, from: Data(error.body.readableBytesView))
            #expect(document == ["errorType": "FixtureError", "errorMessage": "boom"])

            await #expect(throws: WorkerTimedOut.self) {
                try await connection.invoke(Self.invocation("req-3"), timeout: .milliseconds(50))
            }
            _ = try await frames.next()
            try await worker.write(.response(id: "req-3", body: ByteBuffer(string: "too late")))
            #expect(await eventually { events().last == "unusable" })
        }
    }

    @Test("a response over 6 MiB fails as Lambda's Function.ResponseSizeTooLarge")
    func oversizedResponse() async throws {
        try await Self.withWorker { connection, _, frames, worker in
            var frames = frames
            try await worker.write(.ready)
            async let reply = connection.invoke(Self.invocation("big"), timeout: .seconds(30))
            _ = try await frames.next()
            let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: Invocation.maxPayloadBytes + 1)
            try await worker.write(.response(id: "big", body: body))
            guard case .error(let error) = try await reply else {
                Issue.record("expected an error")
                return
            }
            #expect(error.type == "Function.ResponseSizeTooLarge")
        }
    }

    @Test("a reset connection is not the worker's answer: only a worker that outlives it fails its invocation")
    func connectionReset() async throws {
        let events = Mutex<[String]>([])
        let connection = try await NativeConnection.open(on: MultiThreadedEventLoopGroup.singleton.next()) { event in
            events.withLock { $0.append("\(event)") }
        }
        let descriptor = try #require(connection.workerDescriptor)
        var ready = ByteBuffer()
        NativeFrameEncoder().encode(data: .ready, out: &ready)
        let written = ready.withUnsafeReadableBytes { write(descriptor, $0.baseAddress, $0.count) }
        #expect(written == ready.readableBytes)
        #expect(await eventually { events.withLock { $0 } == ["ready"] })
        let started = ContinuousClock.now
        let reply = Task { try await connection.invoke(Self.invocation("reset"), timeout: .seconds(30)) }
        // Once the invocation waits unread in the worker's end, closing that end resets the connection.
        #expect(
            await eventually {
                var byte: UInt8 = 0
                return recv(descriptor, &byte, 1, CInt(MSG_PEEK | MSG_DONTWAIT)) == 1
            }
        )
        close(descriptor)
        guard case .error(let error) = try await reply.value else {
            Issue.record("expected an error")
            return
        }
        #expect(error.type == "Runtime.ConnectionLost", "\(error)")
        #expect(ContinuousClock.now - started >= .seconds(2))
        #expect(events.withLock { $0 }.contains("unusable"))
        connection.close(exit: .exited(0))
    }

    @Test("a worker that exits fails its invocation in flight, and later ones at once")
    func workerExits() async throws {
        try await Self.withWorker { connection, _, frames, worker in
            var frames = frames
            try await worker.write(.ready)
            let reply = Task { try await connection.invoke(Self.invocation("gone"), timeout: .seconds(30)) }
            _ = try await frames.next()
            connection.close(exit: .signaled(9))
            await #expect(throws: WorkerGone.self) { try await reply.value }
            await #expect(throws: WorkerGone.self) {
                try await connection.invoke(Self.invocation("after"), timeout: .seconds(30))
            }
        }
    }
}
