import NIOCore
import Runtime
import Testing

@testable import Invoker

/// Responses a worker streams over the native transport, against a worker played by the test, frame by frame.
@Suite("Native transport: streamed responses")
struct NativeStreamingTests {
    @Test("a stream reaches the pool chunk by chunk before it ends, and its end asks for the next invocation")
    func chunks() async throws {
        try await NativeConnectionTests.withWorker { connection, events, frames, worker in
            var frames = frames
            try await worker.write(.ready)
            // Ready first: an invocation handed over before it waits for the worker and takes its ask silently.
            #expect(await eventually { events() == ["ready"] })
            async let reply = connection.invoke(NativeConnectionTests.invocation("s-1"), timeout: .seconds(30))
            _ = try await frames.next()
            try await worker.write(.streamStart(id: "s-1", contentType: "text/plain"))
            try await worker.write(.streamChunk(id: "s-1", body: ByteBuffer(string: "first ")))
            guard case .stream(let stream) = try await reply else {
                Issue.record("expected a stream")
                return
            }
            #expect(stream.contentType == "text/plain")
            #expect(await stream.next().map { String(buffer: $0) } == "first ")
            try await worker.write(.streamChunk(id: "s-1", body: ByteBuffer(string: "second")))
            #expect(await stream.next().map { String(buffer: $0) } == "second")
            try await worker.write(.streamEnd(id: "s-1"))
            #expect(await stream.next() == nil)
            guard case .complete = stream.ending else {
                Issue.record("expected a complete stream, got \(String(describing: stream.ending))")
                return
            }
            #expect(stream.totalBytes == 12)
            #expect(await eventually { events() == ["ready", "replied", "ready"] })

            // The worker took the next invocation: a stream error frame ends that one's stream with the error.
            async let next = connection.invoke(NativeConnectionTests.invocation("s-2"), timeout: .seconds(30))
            _ = try await frames.next()
            try await worker.write(.streamStart(id: "s-2", contentType: "application/octet-stream"))
            try await worker.write(.streamError(id: "s-2", type: "StreamError", message: "broke halfway"))
            guard case .stream(let failed) = try await next else {
                Issue.record("expected a stream")
                return
            }
            #expect(await failed.next() == nil)
            guard case .error(let error) = failed.ending else {
                Issue.record("expected an error, got \(String(describing: failed.ending))")
                return
            }
            #expect(error.type == "StreamError" && error.message == "broke halfway")
        }
    }

    @Test(
        "a chunk for an invocation the worker is not streaming breaks the connection: the stream under way ends",
        arguments: ["other", ""]
    )
    func chunkForAnotherInvocation(id: String) async throws {
        try await NativeConnectionTests.withWorker { connection, events, frames, worker in
            var frames = frames
            try await worker.write(.ready)
            async let reply = connection.invoke(NativeConnectionTests.invocation("s-3"), timeout: .seconds(30))
            _ = try await frames.next()
            try await worker.write(.streamStart(id: "s-3", contentType: "text/plain"))
            try await worker.write(.streamChunk(id: "s-3", body: ByteBuffer(string: "mine")))
            guard case .stream(let stream) = try await reply else {
                Issue.record("expected a stream")
                return
            }
            try await worker.write(.streamChunk(id: id, body: ByteBuffer(string: "injected")))
            #expect(await stream.next().map { String(buffer: $0) } == "mine")
            #expect(await stream.next() == nil, "the injected chunk reaches no stream")
            guard case .error(let error) = stream.ending else {
                Issue.record("expected an error, got \(String(describing: stream.ending))")
                return
            }
            #expect(error.type == "Runtime.InvalidRequestID" && error.message.contains("invocation \(id),"))
            #expect(stream.totalBytes == 4)
            #expect(await eventually { events().contains("unusable") })
            // The connection is closed: the worker's end reads its end.
            #expect((try? await frames.next()) == nil)
        }
    }

    @Test("a stream that starts for an invocation not in flight, or ends without starting, breaks the connection")
    func unknownStream() async throws {
        try await NativeConnectionTests.withWorker { _, events, _, worker in
            try await worker.write(.ready)
            try await worker.write(.streamStart(id: "nobody", contentType: "text/plain"))
            #expect(await eventually { events().contains("unusable") })
        }
        try await NativeConnectionTests.withWorker { _, events, _, worker in
            try await worker.write(.ready)
            try await worker.write(.streamEnd(id: "nobody"))
            #expect(await eventually { events().contains("unusable") })
        }
    }

    @Test("a worker that exits mid-stream ends the stream with its exit")
    func workerGone() async throws {
        try await NativeConnectionTests.withWorker { connection, _, frames, worker in
            var frames = frames
            try await worker.write(.ready)
            async let reply = connection.invoke(NativeConnectionTests.invocation("s-4"), timeout: .seconds(30))
            _ = try await frames.next()
            try await worker.write(.streamStart(id: "s-4", contentType: "text/plain"))
            guard case .stream(let stream) = try await reply else {
                Issue.record("expected a stream")
                return
            }
            connection.close(exit: .signaled(9))
            #expect(await stream.next() == nil)
            guard case .workerGone(.signaled(9)) = stream.ending else {
                Issue.record("expected the worker's exit, got \(String(describing: stream.ending))")
                return
            }
        }
    }
}
