import NIOCore
import Testing

@testable import Runtime

@Suite("Native transport frames")
struct NativeFrameTests {
    static let frames: [NativeFrame] = [
        .invoke(
            NativeInvocation(
                id: "01a1fdc5-3891-77ff-a320-894092f59776",
                deadline: 1_700_000_000_123,
                invokedFunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:hello",
                traceID: "Root=1-abc;Sampled=0",
                clientContext: #"{"custom":{"k":"v"}}"#,
                cognitoIdentity: nil,
                event: .bytes(ByteBuffer(bytes: [0, 1, 2, 255]))
            )
        ),
        .invoke(
            NativeInvocation(
                id: "x",
                deadline: 0,
                invokedFunctionARN: "",
                traceID: "",
                clientContext: "",
                cognitoIdentity: "ü",
                event: .bytes(ByteBuffer())
            )
        ),
        .invoke(
            NativeInvocation(
                id: "h",
                deadline: 5,
                invokedFunctionARN: "arn",
                traceID: "t",
                clientContext: nil,
                cognitoIdentity: nil,
                event: .http(NativeHTTPEventTests.request)
            )
        ),
        .httpResponse(id: "h", response: FunctionURLResponse(statusCode: 404, body: "missing")),
        .ready,
        .response(id: "r", body: ByteBuffer(string: #"{"ok":true}"#)),
        .response(id: "r", body: ByteBuffer()),
        .error(id: "e", type: "FixtureError", message: "it failed: ✗"),
        .initError(type: "Runtime.HandlerNotFound", message: "No function named 'x'"),
        .streamStart(id: "s", contentType: "application/vnd.awslambda.http-integration-response"),
        .streamChunk(id: "s", body: ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 1])),
        .streamChunk(id: "s", body: ByteBuffer()),
        .streamEnd(id: "s"),
        .streamError(id: "t", type: "FixtureError", message: "broke halfway: ✗"),
    ]

    @Test("every frame reads back as written, also when several arrive together or in pieces")
    func roundTrip() throws {
        var stream = ByteBuffer()
        for frame in Self.frames {
            frame.write(to: &stream)
        }
        var decoder = NativeFrameDecoder()
        var decoded: [NativeFrame] = []
        // One byte at a time: a frame is only read once it is complete.
        var pending = ByteBuffer()
        while let byte = stream.readSlice(length: 1) {
            var byte = byte
            pending.writeBuffer(&byte)
            while let frame = try decoder.decode(buffer: &pending) {
                decoded.append(frame)
            }
        }
        #expect(decoded == Self.frames)
        #expect(pending.readableBytes == 0)
    }

    @Test("a frame longer than the limit is refused from its length alone; an unknown kind or a truncated field too")
    func malformed() throws {
        var decoder = NativeFrameDecoder()
        var tooLong = ByteBuffer()
        tooLong.writeInteger(UInt32(NativeFrame.maxLength + 1))
        #expect(throws: NativeFrameError.self) { try decoder.decode(buffer: &tooLong) }
        do {
            _ = try decoder.decode(buffer: &tooLong)
        } catch let error as NativeFrameError {
            #expect(error.isTooLarge)
        }

        var unknownKind = ByteBuffer(bytes: [0, 0, 0, 1, 99])
        #expect(throws: NativeFrameError.self) { try decoder.decode(buffer: &unknownKind) }

        // A response whose id claims 10 bytes but carries 2.
        var truncated = ByteBuffer(bytes: [0, 0, 0, 5, 3, 0, 10, 65, 66])
        let error = #expect(throws: NativeFrameError.self) { try decoder.decode(buffer: &truncated) }
        #expect(error?.description.contains("invocation id") == true)
    }

    @Test("a list that claims more strings than its frame can hold is refused before room is made for them")
    func impossibleListCount() throws {
        // An HTTP response whose cookie list claims 1,342,177,281 strings in a 78-byte frame: reading it reserved
        // 21 GB, and a count of 0xFFFF_FFFE 64 GB, which crashed the reader (found by `Fuzz/run`, harness
        // native-frame; the input is Fuzz/corpus/native-frame/http-response-huge-cookie-count).
        var body = ByteBuffer()
        body.writeInteger(UInt8(7))
        body.writeInteger(UInt16(1))
        body.writeString("h")
        body.writeInteger(Int64(200))
        body.writeInteger(UInt32.max)  // no headers
        body.writeInteger(UInt32.max - 1)  // the cookies
        body.writeInteger(UInt32(1))
        body.writeString("a")
        var frame = ByteBuffer()
        frame.writeInteger(UInt32(body.readableBytes))
        frame.writeBuffer(&body)
        var decoder = NativeFrameDecoder()
        let error = #expect(throws: NativeFrameError.self) { try decoder.decode(buffer: &frame) }
        #expect(error?.description.contains("a list of 4294967294 strings") == true)
    }

    @Test("a stream chunk over the chunk limit, or bytes after the fields of a stream frame, are refused")
    func streamFrameLimits() throws {
        var decoder = NativeFrameDecoder()
        var largest = ByteBuffer()
        NativeFrame.streamChunk(id: "s", body: ByteBuffer(repeating: 7, count: NativeFrame.maxStreamChunk))
            .write(to: &largest)
        #expect(try decoder.decode(buffer: &largest) != nil)

        var tooLarge = ByteBuffer()
        NativeFrame.streamChunk(id: "s", body: ByteBuffer(repeating: 7, count: NativeFrame.maxStreamChunk + 1))
            .write(to: &tooLarge)
        let error = #expect(throws: NativeFrameError.self) { try decoder.decode(buffer: &tooLarge) }
        #expect(error?.description.contains("a stream chunk of 1048577 bytes") == true)

        // A stream end (kind 10) for "s", with one byte too many.
        var trailing = ByteBuffer(bytes: [0, 0, 0, 5, 10, 0, 1, 115, 0])
        let extra = #expect(throws: NativeFrameError.self) { try decoder.decode(buffer: &trailing) }
        #expect(extra?.description.contains("1 bytes after the fields") == true)
    }
}
