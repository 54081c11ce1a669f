/// Finds the request id a line of a worker's output carries: a UUID (36 characters of hexadecimal digits and
/// hyphens, the form of every invocation id) standing on its own, whatever the format around it (`invocation.id=…`
/// from our `Runtime`'s logger, `"requestId":"…"` in Lambda's JSON log format, a tab-separated column in its text
/// format).
enum RequestIDScanner {
    /// The length of an invocation id.
    static let idLength = 36

    /// The first id in `line` that is a key of `candidates`.
    static func firstID<Value>(in line: some Collection<UInt8>, among candidates: [String: Value]) -> String? {
        var run = 0
        var index = line.startIndex
        var runStart = index
        while true {
            let atEnd = index == line.endIndex
            if !atEnd, isIDCharacter(line[index]) {
                if run == 0 { runStart = index }
                run += 1
            } else {
                if run == idLength {
                    let id = String(decoding: line[runStart..<index], as: UTF8.self)
                    if candidates[id] != nil { return id }
                }
                run = 0
            }
            if atEnd { return nil }
            index = line.index(after: index)
        }
    }

    private static func isIDCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "-"):
            true
        default: false
        }
    }
}
