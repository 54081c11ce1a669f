/// Edits `Sources/Functions/main.swift` as text: adds one `registry.register(…)` line and leaves every other byte as
/// it was.
///
/// ```swift
/// let edited = try RegistryEditor(text: source).inserting(try FunctionName("order-created"))
/// ```
struct RegistryEditor {
    /// The file's text.
    var text: String

    /// The line that registers the function `name`, with `receiver` the registry's variable.
    static func registration(_ name: FunctionName, receiver: String = "registry") -> String {
        "\(receiver).register(\"\(name.name)\", \(name.typeName)())"
    }

    /// Whether the file already registers a handler under `name`, in either form (`register("name", …)` or the
    /// closure form `register("name") { … }`).
    func registers(_ name: String) -> Bool {
        text.contains(".register(\"\(name)\"")
    }

    /// The text with `name`'s registration after the last registration statement (after its last line, when a
    /// closure spreads it over several), indented like it; in a file that registers nothing yet, before the
    /// `run()` call.
    func inserting(_ name: FunctionName) throws -> String {
        // A file with Windows line ends keeps them (Swift reads "\r\n" as one character).
        let lineEnd: Character = text.contains("\r\n") ? "\r\n" : "\n"
        var lines = text.split(separator: lineEnd, omittingEmptySubsequences: false).map(String.init)
        let position: Int
        let template: (indentation: String, receiver: String)
        if let last = lines.indices.last(where: { Self.call("register", in: lines[$0]) != nil }),
            let call = Self.call("register", in: lines[last])
        {
            position = Self.endOfStatement(startingAt: last, in: lines) + 1
            template = call
        } else if let run = lines.indices.last(where: { Self.call("run", in: lines[$0]) != nil }),
            let call = Self.call("run", in: lines[run])
        {
            position = run
            template = (call.indentation, call.receiver)
        } else {
            throw ScaffoldError(
                .unrecognizedMain,
                "found no registry.register(…) line and no registry.run() call to add the registration beside"
            )
        }
        lines.insert(template.indentation + Self.registration(name, receiver: template.receiver), at: position)
        return lines.joined(separator: String(lineEnd))
    }

    /// The indentation and receiver of a line that calls `receiver.<method>(` (after an optional `await`), or nil.
    private static func call(_ method: String, in line: String) -> (indentation: String, receiver: String)? {
        let indentation = String(line.prefix(while: { $0 == " " || $0 == "\t" }))
        var rest = line.dropFirst(indentation.count)
        if rest.hasPrefix("await ") { rest = rest.dropFirst("await ".count).drop(while: { $0 == " " }) }
        let receiver = rest.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
        guard !receiver.isEmpty, rest.dropFirst(receiver.count).hasPrefix(".\(method)(") else { return nil }
        return (indentation, String(receiver))
    }

    /// The last line of the statement that starts at line `start`: where its parentheses, brackets and braces
    /// (outside string literals and `//` comments) are balanced again.
    private static func endOfStatement(startingAt start: Int, in lines: [String]) -> Int {
        var depth = 0
        for index in start..<lines.count {
            var inString = false
            var escaped = false
            var previous: Character = " "
            for character in lines[index] {
                if inString {
                    if escaped {
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        inString = false
                    }
                } else if character == "/" && previous == "/" {
                    break
                } else if character == "\"" {
                    inString = true
                } else if "([{".contains(character) {
                    depth += 1
                } else if ")]}".contains(character) {
                    depth -= 1
                }
                previous = character
            }
            if depth <= 0 { return index }
        }
        return start
    }
}
