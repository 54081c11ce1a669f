internal import NIOCore

/// Feeds the input to the native transport's frame decoder as a byte stream from a worker, frame after frame, as the
/// channel does. Properties: the decoder either returns a frame, waits for more bytes or throws its
/// `NativeFrameError` (and the stream ends there); it consumes exactly the length prefix and the length it
/// announced; a stream chunk it returns holds at most `NativeFrame.maxStreamChunk` bytes; every frame it returns
/// writes back to bytes that decode to the same frame, and writing that frame again gives as many bytes, which
/// decode to it again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNativeFrame(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var stream = ByteBuffer(bytes: UnsafeRawBufferPointer(start: start, count: count))
    var decoder = NativeFrameDecoder()
    while true {
        let before = stream
        let frame: NativeFrame?
        do {
            frame = try decoder.decode(buffer: &stream)
        } catch {
            check(error is NativeFrameError, "the decoder threw \(type(of: error)): \(error)")
            return 0
        }
        guard let frame else {
            check(stream == before, "the decoder consumed bytes without returning a frame")
            return 0
        }
        let length = Int(before.getInteger(at: before.readerIndex, as: UInt32.self)!)
        check(
            stream.readerIndex == before.readerIndex + 4 + length,
            "the decoder consumed \(stream.readerIndex - before.readerIndex) bytes of a \(length)-byte frame"
        )
        if case .streamChunk(_, let body) = frame {
            check(body.readableBytes <= NativeFrame.maxStreamChunk, "a stream chunk of \(body.readableBytes) bytes")
        }
        checkRoundTrip(frame)
    }
}

/// A frame written and decoded again is the same frame, and so is what it writes the second time.
private func checkRoundTrip(_ frame: NativeFrame) {
    var written = ByteBuffer()
    frame.write(to: &written)
    var reading = written
    var decoder = NativeFrameDecoder()
    let decoded: NativeFrame?
    do {
        decoded = try decoder.decode(buffer: &reading)
    } catch {
        fail("a written frame does not decode: \(error); frame: \(frame)")
    }
    check(decoded == frame, "a written frame decodes differently: \(String(describing: decoded)) != \(frame)")
    check(reading.readableBytes == 0, "a written frame leaves \(reading.readableBytes) bytes unread")
    // Not byte for byte: maps are written in their dictionary's order, which two equal dictionaries need not share.
    var rewritten = ByteBuffer()
    decoded!.write(to: &rewritten)
    check(rewritten.readableBytes == written.readableBytes, "a frame is written longer the second time: \(frame)")
    var rereading = rewritten
    check(try! decoder.decode(buffer: &rereading) == frame, "a frame written twice decodes differently: \(frame)")
}
