import NIOCore

/// Writes JSON text straight into a buffer, for the documents the queue sends on its hot path (SQS events,
/// `202` answers): several times cheaper than `JSONEncoder`, which goes through `Encodable`'s containers.
///
/// ```swift
/// var json = JSONText()
/// json.object { json in
///     json.member("messageId", id)
/// }
/// ```
struct JSONText {
    /// The text written so far, as UTF-8.
    private(set) var buffer: ByteBuffer
    private var needsComma = false

    /// Creates an empty text with room for `capacity` bytes.
    init(capacity: Int = 256) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Writes an object whose members `body` writes.
    mutating func object(_ body: (inout JSONText) -> Void) {
        separate()
        buffer.writeInteger(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        buffer.writeInteger(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Writes an array whose elements `body` writes.
    mutating func array(_ body: (inout JSONText) -> Void) {
        separate()
        buffer.writeInteger(UInt8(ascii: "["))
        needsComma = false
        body(&self)
        buffer.writeInteger(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes a member's key; its value comes next.
    mutating func key(_ key: String) {
        separate()
        writeString(key)
        buffer.writeInteger(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a string member.
    mutating func member(_ key: String, _ value: String) {
        self.key(key)
        string(value)
    }

    /// Writes a string member, or nothing when `value` is nil.
    mutating func member(_ key: String, ifPresent value: String?) {
        guard let value else { return }
        member(key, value)
    }

    /// Writes a string value.
    mutating func string(_ value: String) {
        separate()
        writeString(value)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
    }

    /// Writes `value` quoted, escaping what RFC 8259 requires (quotes, backslashes, control characters).
    private mutating func writeString(_ value: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index]))
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case 0x0A: buffer.writeStaticString("\\n")
                case 0x0D: buffer.writeStaticString("\\r")
                case 0x09: buffer.writeStaticString("\\t")
                default:
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(Self.hexDigits[Int(byte >> 4)])
                    buffer.writeInteger(Self.hexDigits[Int(byte & 0xF)])
                }
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...]))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
