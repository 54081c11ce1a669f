/// Edits `functions.json` as text: adds one function to the `functions` object, after the last one and indented
/// like the others, and leaves every other byte as it was, so the user's order, formatting and spacing survive.
///
/// The text must be a valid manifest (``Manifest/parse(_:file:directory:)`` checks it first, and checks the result).
///
/// ```swift
/// let edited = try ManifestEditor(text: manifest).inserting("resize", members: [("handler", #""resize""#)])
/// ```
struct ManifestEditor {
    /// The manifest's text.
    var text: String

    /// Where the `functions` object is in the text (offsets in UTF-8 bytes).
    private struct Layout {
        /// The offset of the `{` that opens the `functions` object.
        var open: Int
        /// The offset just after the last function's value; nil when the object is empty.
        var lastEnd: Int?
        /// The offset of the first function's key.
        var firstKey: Int?
    }

    /// The text with the function `name` added, its members given as keys and JSON texts (kept on one line each).
    func inserting(_ name: String, members: [(key: String, value: String)]) throws -> String {
        let bytes = Array(text.utf8)
        let layout = try Self.layout(of: bytes)
        let functionsIndent = Self.indentation(before: layout.open, in: bytes, ofLineOnly: false)
        let entryIndent = layout.firstKey.flatMap { Self.indentation(before: $0, in: bytes, ofLineOnly: true) }
        let insertion: String
        if let entryIndent {
            // One line per member, the members one level deeper than the function's key.
            let unit = functionsIndent.flatMap { $0.isEmpty ? nil : $0 } ?? "  "
            let lines = members.map { "\(entryIndent)\(unit)\"\($0.key)\": \($0.value)" }
            insertion = "\(entryIndent)\"\(name)\": {\n" + lines.joined(separator: ",\n") + "\n\(entryIndent)}"
        } else {
            // A manifest on one line stays on one line.
            let list = members.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
            insertion = "\"\(name)\": { \(list) }"
        }
        let (offset, addition): (Int, String) =
            switch (layout.lastEnd, entryIndent) {
            case (let end?, .some): (end, ",\n" + insertion)
            case (let end?, nil): (end, ", " + insertion)
            case (nil, _): (layout.open + 1, " " + insertion + " ")
            }
        return String(decoding: bytes[..<offset] + Array(addition.utf8) + bytes[offset...], as: UTF8.self)
    }

    /// The leading whitespace of the line `offset` is on, when only whitespace precedes it there (with
    /// `ofLineOnly`); without it, the leading whitespace of that line whatever follows. Nil for a value on the
    /// first line, or after other text with `ofLineOnly`.
    private static func indentation(before offset: Int, in bytes: [UInt8], ofLineOnly: Bool) -> String? {
        guard let newline = bytes[..<offset].lastIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = bytes[(newline + 1)..<offset]
        let indentation = line.prefix(while: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        if ofLineOnly && indentation.count != line.count { return nil }
        return String(decoding: indentation, as: UTF8.self)
    }

    /// Finds the `functions` object in a manifest's bytes.
    private static func layout(of bytes: [UInt8]) throws -> Layout {
        var scanner = Scanner(bytes: bytes)
        try scanner.expect("{")
        while true {
            scanner.skipWhitespace()
            let key = try scanner.string()
            scanner.skipWhitespace()
            try scanner.expect(":")
            scanner.skipWhitespace()
            if key == "functions" {
                return try scanner.functionsLayout()
            }
            try scanner.skipValue()
            scanner.skipWhitespace()
            try scanner.expect(",")
        }
    }

    /// Walks a JSON text already known to be valid, skipping values.
    private struct Scanner {
        let bytes: [UInt8]
        var offset = 0

        mutating func skipWhitespace() {
            while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains(bytes[offset]) {
                offset += 1
            }
        }

        mutating func expect(_ character: Character) throws {
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == character.asciiValue else {
                throw ScaffoldError(.invalidManifest, "could not find where to add the function in the manifest")
            }
            offset += 1
        }

        /// Reads a string and returns its raw text between the quotes.
        mutating func string() throws -> String {
            try expect("\"")
            let start = offset
            while offset < bytes.count, bytes[offset] != UInt8(ascii: "\"") {
                offset += bytes[offset] == UInt8(ascii: "\\") ? 2 : 1
            }
            let raw = String(decoding: bytes[start..<min(offset, bytes.count)], as: UTF8.self)
            offset += 1
            return raw
        }

        mutating func skipValue() throws {
            skipWhitespace()
            guard offset < bytes.count else { return try expect("}") }
            switch bytes[offset] {
            case UInt8(ascii: "\""):
                _ = try string()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                repeat {
                    switch bytes[offset] {
                    case UInt8(ascii: "\""):
                        _ = try string()
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                    default: break
                    }
                    offset += 1
                } while depth > 0 && offset < bytes.count
            default:
                while offset < bytes.count, !",}] \t\r\n".utf8.contains(bytes[offset]) { offset += 1 }
            }
        }

        /// At the `functions` object's `{`: where it opens, where its first key starts and its last value ends.
        mutating func functionsLayout() throws -> Layout {
            let open = offset
            try expect("{")
            var layout = Layout(open: open)
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") { return layout }
            while true {
                skipWhitespace()
                if layout.firstKey == nil { layout.firstKey = offset }
                _ = try string()
                try expect(":")
                try skipValue()
                layout.lastEnd = offset
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ",") else { return layout }
                offset += 1
            }
        }
    }
}
