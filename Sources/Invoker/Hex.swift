/// Bytes as lower-case hexadecimal text: digests (MD5, SHA-256) and random ids and keys.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `bytes` as lower-case hexadecimal digits, two per byte.
    static func lowercase(_ bytes: some Collection<UInt8>) -> String {
        String(unsafeUninitializedCapacity: 2 * bytes.count) { text in
            for (index, byte) in bytes.enumerated() {
                text[2 * index] = digits[Int(byte >> 4)]
                text[2 * index + 1] = digits[Int(byte & 0xF)]
            }
            return 2 * bytes.count
        }
    }

    /// `count` random bytes from the system's secure generator, as hexadecimal digits.
    static func random(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return lowercase((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
