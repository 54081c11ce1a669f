import Foundation

/// The keys callers present in `x-api-key` on routes with `{"apiKey": {}}`, read from the `--api-keys` file: one
/// `name key` per line, `#` comments and blank lines allowed.
///
/// ```text
/// # name   key
/// ci       3f9a0c27e1d84b6f9e0d2c5a7b1e4f60
/// partner  b7c2e9d41a6f4c08b3e5d7f9a2c4e6b8
/// ```
///
/// A presented key is compared with every key in constant time, so the time taken tells nothing about which key or
/// how much of it matched.
struct APIKeys: Sendable {
    /// One named key.
    struct Key: Sendable, Equatable {
        /// The name routes allow it by and records and events show.
        var name: String
        /// The secret.
        var key: String
    }

    /// The keys, in file order.
    let keys: [Key]

    /// The names of the keys.
    var names: Set<String> { Set(keys.map(\.name)) }

    /// Whether `name` can name a key: letters, digits, `-`, `_` and `.`.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 128
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }

    /// Reads the key file at `path`.
    init(contentsOf path: String) throws(InvokerError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw InvokerError(.configuration, "\(path): cannot read the API key file (\(error.localizedDescription))")
        }
        try self.init(parsing: text, path: path)
    }

    /// Reads keys from `text`; `path` names it in errors. A line that is not `name key`, a name or key given twice,
    /// or a file without keys is an error naming the line.
    init(parsing text: String, path: String) throws(InvokerError) {
        var keys: [Key] = []
        var lines: (names: [String: Int], keys: [String: Int]) = ([:], [:])
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count == 2 else {
                throw InvokerError(
                    .configuration,
                    "\(path), line \(number): expected \"name key\" (two fields), found \(fields.count) fields"
                )
            }
            let (name, key) = (fields[0], fields[1])
            guard Self.isValidName(name) else {
                throw InvokerError(
                    .configuration,
                    "\(path), line \(number): \(name.debugDescription) is not a key name: use letters, digits, '-',"
                        + " '_' or '.'"
                )
            }
            guard key.utf8.count >= 16 else {
                throw InvokerError(
                    .configuration,
                    "\(path), line \(number): the key of \"\(name)\" is shorter than 16 characters"
                )
            }
            if let earlier = lines.names[name] {
                throw InvokerError(
                    .configuration,
                    "\(path), line \(number): the name \"\(name)\" is already used on line \(earlier)"
                )
            }
            if let earlier = lines.keys[key] {
                throw InvokerError(
                    .configuration,
                    "\(path), line \(number): the key of \"\(name)\" is the same as the key on line \(earlier)"
                )
            }
            lines.names[name] = number
            lines.keys[key] = number
            keys.append(Key(name: name, key: key))
        }
        guard !keys.isEmpty else {
            throw InvokerError(.configuration, "\(path): the API key file has no keys (expected \"name key\" lines)")
        }
        self.keys = keys
    }

    /// The name of the key `presented` is, or nil. Every key is compared, each in constant time.
    func name(of presented: String) -> String? {
        var found: String?
        for key in keys where BearerKey.constantTimeEqual(presented, key.key) {
            found = key.name
        }
        return found
    }
}
