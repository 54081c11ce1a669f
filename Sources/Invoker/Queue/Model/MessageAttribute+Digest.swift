import Foundation

extension MessageAttribute {
    /// The MD5 digest of a message's attributes as SQS computes it (`MD5OfMessageAttributes`): for each attribute,
    /// sorted by name, the name, the data type, a transport byte (1 for text, 2 for binary) and the value, each
    /// length-prefixed with a 4-byte big-endian count. Nil without attributes.
    static func digest(of attributes: [String: MessageAttribute]) -> String? {
        guard !attributes.isEmpty else { return nil }
        var bytes: [UInt8] = []
        func append(_ field: [UInt8]) {
            let count = UInt32(field.count)
            bytes += [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
            bytes += field
        }
        for name in attributes.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let attribute = attributes[name]!
            append(Array(name.utf8))
            append(Array(attribute.dataType.utf8))
            if let binary = attribute.binaryValue {
                bytes.append(2)
                append(Data(base64Encoded: binary).map { Array($0) } ?? [])
            } else {
                bytes.append(1)
                append(Array((attribute.stringValue ?? "").utf8))
            }
        }
        return MD5.hex(bytes)
    }
}
