/// The byte layout of the messages between the invoker and its spawner: little-endian integers and strings prefixed
/// with their length. Both ends are the same executable, so the layout needs no version.
enum SpawnerWire {
    /// The largest message either end sends or accepts: a spawn request's arguments and environment fit many times.
    static let maximumMessage = 1 << 20

    /// Appends the fields of a message to its bytes.
    struct Writer {
        private(set) var bytes: [UInt8] = []

        /// Appends `value` as eight little-endian bytes.
        mutating func append(_ value: Int64) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }

        /// Appends `string`'s UTF-8 bytes after their count.
        mutating func append(_ string: String) {
            append(Int64(string.utf8.count))
            bytes.append(contentsOf: string.utf8)
        }

        /// Appends the count of `strings`, then each.
        mutating func append(_ strings: [String]) {
            append(Int64(strings.count))
            for string in strings { append(string) }
        }
    }

    /// Reads the fields of a message in order; a field that runs past the end, or a string that is not UTF-8 or
    /// holds a NUL byte, throws ``Malformed``.
    struct Reader {
        private let bytes: ArraySlice<UInt8>
        private var offset: Int

        init(_ bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            self.offset = bytes.startIndex
        }

        /// Reads eight little-endian bytes.
        mutating func integer() throws(Malformed) -> Int64 {
            guard bytes.endIndex - offset >= 8 else { throw Malformed("the message ends inside an integer") }
            var value: Int64 = 0
            for index in (0..<8).reversed() { value = value << 8 | Int64(bytes[offset + index]) }
            offset += 8
            return value
        }

        /// Reads an integer that must lie in `range`; `field` names it in the error.
        mutating func integer<T: FixedWidthInteger>(_ field: String, in range: ClosedRange<T>) throws(Malformed) -> T {
            let value = try integer()
            guard let converted = T(exactly: value), range.contains(converted) else {
                throw Malformed("\(field) is \(value), outside \(range)")
            }
            return converted
        }

        /// Reads a string: its count, then its UTF-8 bytes.
        mutating func string() throws(Malformed) -> String {
            let count = try integer("a string's length", in: 0...Int(bytes.endIndex - offset))
            let slice = bytes[offset..<offset + count]
            offset += count
            guard !slice.contains(0), let string = String(validating: slice, as: UTF8.self) else {
                throw Malformed("a string is not UTF-8 or holds a NUL byte")
            }
            return string
        }

        /// Reads a count, then that many strings.
        mutating func strings() throws(Malformed) -> [String] {
            let count = try integer("a list's length", in: 0...Int(bytes.endIndex - offset) / 8)
            var strings: [String] = []
            strings.reserveCapacity(count)
            for _ in 0..<count { strings.append(try string()) }
            return strings
        }

        /// Throws unless every byte was read.
        func finish() throws(Malformed) {
            guard offset == bytes.endIndex else {
                throw Malformed("\(bytes.endIndex - offset) bytes follow the message")
            }
        }
    }

    /// A message that does not follow the layout, and what is wrong with it.
    struct Malformed: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
