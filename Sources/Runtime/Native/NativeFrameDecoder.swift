package import NIOCore

/// Splits a native transport's byte stream into ``NativeFrame``s, rejecting any frame longer than
/// ``NativeFrame/maxLength`` before reading it.
package struct NativeFrameDecoder: NIOSingleStepByteToMessageDecoder {
    package typealias InboundOut = NativeFrame

    /// Creates a decoder.
    package init() {}

    package mutating func decode(buffer: inout ByteBuffer) throws -> NativeFrame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length <= NativeFrame.maxLength else {
            throw NativeFrameError(
                "a frame of \(length) bytes, more than the \(NativeFrame.maxLength) allowed",
                isTooLarge: true
            )
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        var body = buffer.readSlice(length: Int(length))!
        return try NativeFrame(reading: &body)
    }

    package mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> NativeFrame? {
        try self.decode(buffer: &buffer)
    }
}

/// Writes ``NativeFrame``s to a channel.
package final class NativeFrameEncoder: MessageToByteEncoder {
    package typealias OutboundIn = NativeFrame

    /// Creates an encoder.
    package init() {}

    package func encode(data: NativeFrame, out: inout ByteBuffer) {
        data.write(to: &out)
    }
}
