import Foundation
import NIOCore
import Synchronization
import Testing

@testable import Invoker

#if canImport(Glibc)
import Glibc
#endif

/// How the output of a worker that runs several invocations at once is cut into each invocation's lines.
@Suite("Output attribution by request id")
struct OutputAttributionTests {
    let first = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
    let second = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"

    @Test("the id is found in our Runtime's lines, Lambda's JSON and text formats; near misses are not ids")
    func scanner() {
        let running = [first: 0, second: 0]
        func find(_ line: String) -> String? { RequestIDScanner.firstID(in: Array(line.utf8), among: running) }
        #expect(find("2026-12-02T10:00:00 info Runtime: invocation.id=\(first) [Runtime] hello") == first)
        #expect(find(#"{"timestamp":"…","level":"INFO","requestId":"\#(second)","message":"hi"}"#) == second)
        #expect(find("2026-12-02T10:00:00.000Z\t\(first)\tINFO\thi") == first)
        #expect(find("no id here") == nil)
        // A longer run of hexadecimal digits that contains an id is not that id.
        #expect(find("x\(first)0") == nil)
        // An id that is not running belongs to nobody.
        #expect(find("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d") == nil)
    }

    @Test("each invocation takes the lines that carry its id, across reads; the rest go to the worker")
    func attribution() async throws {
        let pipe = try OutputPipe()
        defer { pipe.close() }
        let workerLines = Mutex<[String]>([])
        let capture = OutputCapture(
            descriptor: pipe.readEnd,
            attribution: .byRequestID { line in
                workerLines.withLock { $0.append(line) }
            }
        )
        capture.begin(invocation: first)
        capture.begin(invocation: second)
        // The second line of `second` arrives in two reads.
        let output = Array("invocation.id=\(first) one\nplain print\ninvocation.id=\(second) two\n".utf8)
        capture.append(ByteBuffer(bytes: output[..<60]))
        capture.append(ByteBuffer(bytes: output[60...]))
        capture.append(ByteBuffer(string: "invocation.id=\(first) three\n"))
        capture.fence()
        #expect(await capture.take(invocation: first) == "invocation.id=\(first) one\ninvocation.id=\(first) three\n")
        #expect(await capture.take(invocation: second) == "invocation.id=\(second) two\n")
        #expect(workerLines.withLock { $0 } == ["plain print"])
        // Taken: a later line with the first id belongs to nobody now.
        capture.append(ByteBuffer(string: "invocation.id=\(first) late\n"))
        #expect(workerLines.withLock { $0.count } == 2)
    }

    @Test("a worker that runs one invocation at a time keeps all its output for that invocation")
    func sequential() async throws {
        let pipe = try OutputPipe()
        defer { pipe.close() }
        let capture = OutputCapture(descriptor: pipe.readEnd)
        capture.begin(invocation: first)
        capture.append(ByteBuffer(string: "plain print\nanother line without newline"))
        capture.fence()
        #expect(await capture.take(invocation: first) == "plain print\nanother line without newline")
        #expect(await capture.take(invocation: second) == "")
    }
}

/// A socket pair standing in for a worker's output pipe: the capture reads (and asks the pending bytes of) one end.
private struct OutputPipe {
    let readEnd: CInt
    let writeEnd: CInt

    init() throws {
        var fds: [CInt] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        (readEnd, writeEnd) = (fds[0], fds[1])
    }

    func close() {
        Glibc.close(readEnd)
        Glibc.close(writeEnd)
    }
}
