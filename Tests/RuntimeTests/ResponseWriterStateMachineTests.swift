import Testing

@testable import Runtime

@Suite("Response writer state machine")
struct ResponseWriterStateMachineTests {
    typealias Machine = InvocationResponseWriter<InMemoryRuntimeClient>.StateMachine

    @Test("finishing before any write sends the response whole, once")
    func wholeResponse() {
        var machine = Machine()
        #expect(machine.finish() == .sendWhole)
        #expect(machine.finish() == .alreadyFinished)
        #expect(machine.write() == .alreadyFinished)
        #expect(machine.writeStatusAndHeaders() == .alreadyFinished)
        #expect(machine.fail() == .alreadyFinished)
    }

    @Test("the first write starts the stream, later ones add chunks, finishing ends it")
    func stream() {
        var machine = Machine()
        #expect(machine.write() == .startStream)
        #expect(machine.write() == .writeChunk)
        #expect(machine.write() == .writeChunk)
        #expect(machine.finish() == .endStream)
        #expect(machine.write() == .alreadyFinished)
        #expect(machine.finish() == .alreadyFinished)
    }

    @Test("status and headers start the stream, and only before its body")
    func statusAndHeaders() {
        var first = Machine()
        #expect(first.writeStatusAndHeaders() == .startStream)
        #expect(first.write() == .writeChunk)
        #expect(first.finish() == .endStream)

        var late = Machine()
        #expect(late.write() == .startStream)
        #expect(late.writeStatusAndHeaders() == .alreadyStarted)
        #expect(late.write() == .writeChunk, "a refused status leaves the stream going")
    }

    @Test("an error is the invocation's before the stream, the stream's ending after it, nothing once finished")
    func failures() {
        var unsent = Machine()
        #expect(unsent.fail() == .reportError)
        #expect(unsent.write() == .alreadyFinished)

        var streaming = Machine()
        _ = streaming.write()
        #expect(streaming.fail() == .endStreamWithError)
        #expect(streaming.fail() == .alreadyFinished)

        var finished = Machine()
        _ = finished.write()
        _ = finished.finish()
        #expect(finished.fail() == .alreadyFinished)
    }
}
