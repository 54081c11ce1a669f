/// A JSON parser (RFC 8259) that is stricter than Foundation's where a configuration file needs it: a key given twice
/// in one object, a trailing comma, a number too large for a `Double` (`1e400`) and nesting deeper than
/// ``maximumDepth`` are errors, and every error says where it is, both as a line and column and as the path of keys
/// leading to it, so the manifest can name the function and the field.
///
/// ```swift
/// let document = try StrictJSONParser.parse(Array(#"{"timeout": 3}"#.utf8))
/// ```
struct StrictJSONParser {
    /// How deeply arrays and objects may nest (a hostile file cannot exhaust the stack).
    static let maximumDepth = 64

    /// One step of the path to a value: an object's key or an array's index.
    enum PathComponent: Equatable, Sendable {
        case key(String)
        case index(Int)
    }

    /// Why a document was rejected, and where.
    struct Failure: Error, Equatable, Sendable {
        /// The keys and indexes leading to the value being read when the problem was found.
        var path: [PathComponent]
        /// The 1-based line of the problem.
        var line: Int
        /// The 1-based column (in bytes) of the problem.
        var column: Int
        /// What is wrong, such as `the key "timeout" is given twice`.
        var problem: String
        /// Whether the text is not JSON at all, rather than JSON the parser refuses (a duplicate key, a huge number).
        var isSyntax: Bool
    }

    private let bytes: [UInt8]
    private var offset = 0
    private var path: [PathComponent] = []

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // A UTF-8 byte order mark is tolerated, as editors on some systems write one.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    }

    /// Parses `bytes`, which must hold exactly one JSON value (with surrounding whitespace).
    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = StrictJSONParser(bytes)
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == bytes.count else {
            throw parser.failure("unexpected \(parser.describeCurrent()) after the end of the document")
        }
        return value
    }

    // MARK: Values

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        skipWhitespace()
        guard offset < bytes.count else { throw failure("the document ends where a value was expected") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw failure("unexpected \(describeCurrent()) where a value was expected")
        }
    }

    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw failure("nesting is deeper than \(Self.maximumDepth) levels") }
        offset += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object(members) }
        while true {
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                    throw failure("trailing comma before '}'")
                }
                throw failure("expected a key in double quotes, found \(describeCurrent())")
            }
            let keyOffset = offset
            let key = try string()
            path.append(.key(key))
            guard members[key] == nil else {
                offset = keyOffset
                throw failure("the key \"\(key)\" is given twice in one object", isSyntax: false)
            }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else {
                throw failure("expected ':' after the key \"\(key)\", found \(describeCurrent())")
            }
            members[key] = try value(depth: depth)
            path.removeLast()
            skipWhitespace()
            if consume(UInt8(ascii: "}")) { return .object(members) }
            guard consume(UInt8(ascii: ",")) else {
                throw failure("expected ',' or '}' after a member, found \(describeCurrent())")
            }
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw failure("nesting is deeper than \(Self.maximumDepth) levels") }
        offset += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(elements) }
        while true {
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                throw failure("trailing comma before ']'")
            }
            path.append(.index(elements.count))
            elements.append(try value(depth: depth))
            path.removeLast()
            skipWhitespace()
            if consume(UInt8(ascii: "]")) { return .array(elements) }
            guard consume(UInt8(ascii: ",")) else {
                throw failure("expected ',' or ']' after an element, found \(describeCurrent())")
            }
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(Failure) -> JSONValue {
        guard bytes[offset...].starts(with: word.utf8) else {
            throw failure("unexpected \(describeCurrent()) where a value was expected")
        }
        offset += word.utf8.count
        return value
    }

    // MARK: Numbers

    private mutating func number() throws(Failure) -> Double {
        let start = offset
        _ = consume(UInt8(ascii: "-"))
        if consume(UInt8(ascii: "0")) {
            if offset < bytes.count, isDigit(bytes[offset]) {
                throw failure("a number may not have a leading zero")
            }
        } else {
            guard skipDigits() > 0 else { throw failure("expected a digit, found \(describeCurrent())") }
        }
        if consume(UInt8(ascii: ".")) {
            guard skipDigits() > 0 else { throw failure("expected a digit after '.', found \(describeCurrent())") }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            _ = consume(UInt8(ascii: "+")) || consume(UInt8(ascii: "-"))
            guard skipDigits() > 0 else {
                throw failure("expected a digit in the exponent, found \(describeCurrent())")
            }
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            offset = start
            throw failure("the number \(text) is too large", isSyntax: false)
        }
        return number
    }

    private mutating func skipDigits() -> Int {
        let start = offset
        while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        return offset - start
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    // MARK: Strings

    private mutating func string() throws(Failure) -> String {
        offset += 1
        var unescaped: [UInt8] = []
        var runStart = offset
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                unescaped.append(contentsOf: bytes[runStart..<offset])
                offset += 1
                guard let string = String(validating: unescaped, as: UTF8.self) else {
                    offset = runStart
                    throw failure("a string is not valid UTF-8")
                }
                return string
            case UInt8(ascii: "\\"):
                unescaped.append(contentsOf: bytes[runStart..<offset])
                try escape(into: &unescaped)
                runStart = offset
            case 0..<0x20:
                throw failure("a control character (0x\(String(byte, radix: 16))) in a string must be escaped")
            default:
                offset += 1
            }
        }
        throw failure("a string is not closed")
    }

    /// Reads the escape sequence at `offset` (at its backslash) and appends what it stands for.
    private mutating func escape(into output: inout [UInt8]) throws(Failure) {
        offset += 1
        guard offset < bytes.count else { throw failure("a string is not closed") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad()
            if (0xD800..<0xDC00).contains(scalar) {
                guard bytes[offset...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) else {
                    throw failure("a \\u escape is half of a surrogate pair")
                }
                offset += 2
                let low = try hexQuad()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("a \\u escape is half of a surrogate pair") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw failure("a \\u escape is half of a surrogate pair")
            }
            output.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
        default:
            offset -= 2
            throw failure("'\\\(Character(Unicode.Scalar(byte)))' is not a JSON escape")
        }
    }

    private mutating func hexQuad() throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard offset < bytes.count, let digit = Character(Unicode.Scalar(bytes[offset])).hexDigitValue else {
                throw failure("a \\u escape needs four hexadecimal digits")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    // MARK: Positions

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): offset += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard offset < bytes.count, bytes[offset] == byte else { return false }
        offset += 1
        return true
    }

    /// The byte at `offset`, as an error message shows it.
    private func describeCurrent() -> String {
        guard offset < bytes.count else { return "the end of the document" }
        let byte = bytes[offset]
        return (0x21..<0x7F).contains(byte)
            ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private func failure(_ problem: String, isSyntax: Bool = true) -> Failure {
        let end = min(offset, bytes.count)
        var line = 1
        var lineStart = 0
        for index in 0..<end where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        return Failure(path: path, line: line, column: end - lineStart + 1, problem: problem, isSyntax: isSyntax)
    }
}
