import Foundation

/// A message body: text when the producer sent valid UTF-8, bytes otherwise.
enum MessageBody: Sendable, Hashable {
    /// UTF-8 text.
    case text(String)
    /// Bytes that are not UTF-8 text.
    case binary([UInt8])

    /// The body of `bytes`: text when they are valid UTF-8.
    init(_ bytes: some Collection<UInt8>) {
        if let text = String(validating: bytes, as: UTF8.self) {
            self = .text(text)
        } else {
            self = .binary(Array(bytes))
        }
    }

    /// The body's bytes.
    var bytes: [UInt8] {
        switch self {
        case .text(let text): Array(text.utf8)
        case .binary(let bytes): bytes
        }
    }

    /// The body as an SQS event carries it: the text, or base64 for bytes.
    var eventText: String {
        switch self {
        case .text(let text): text
        case .binary(let bytes): Data(bytes).base64EncodedString()
        }
    }

    /// Whether the body is bytes rather than text.
    var isBinary: Bool {
        if case .binary = self { return true }
        return false
    }
}
