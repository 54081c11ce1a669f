/// A JSON object of the manifest being read, with typed accessors whose errors name the file, function and field.
struct ManifestObject {
    /// The manifest file, as the user named it.
    let file: String
    /// The function being read; nil at the top level.
    let function: String?
    /// The path of this object inside the function, such as `scaling` or `http[0]`; empty at the function's root.
    let path: String
    /// The object's members.
    let members: [String: JSONValue]

    /// Wraps `value`, which must be an object; `field` names it in the error otherwise.
    init(_ value: JSONValue, file: String, function: String?, path: String) throws {
        self.file = file
        self.function = function
        self.path = path
        guard case .object(let members) = value else {
            throw ManifestError(
                file: file,
                function: function,
                field: path.isEmpty ? nil : path,
                message: "must be an object, got \(value.description)"
            )
        }
        self.members = members
    }

    /// An error about `key` of this object.
    func error(_ key: String?, _ message: String) -> ManifestError {
        ManifestError(file: file, function: function, field: fieldPath(key), message: message)
    }

    /// The path of `key` inside the function.
    func fieldPath(_ key: String?) -> String? {
        guard let key else { return path.isEmpty ? nil : path }
        return path.isEmpty ? key : "\(path).\(key)"
    }

    /// Rejects members other than `known`, suggesting the closest known name for a misspelt one.
    func rejectUnknownKeys(_ known: [String]) throws {
        for key in members.keys.sorted() where !known.contains(key) {
            var message = "unknown field"
            if let suggestion = known.min(by: { editDistance($0, key) < editDistance($1, key) }),
                editDistance(suggestion, key) <= 2
            {
                message += "; did you mean \"\(suggestion)\"?"
            } else {
                message += "; expected one of \(known.map { "\"\($0)\"" }.joined(separator: ", "))"
            }
            throw error(key, message)
        }
    }

    /// The string member `key`, or nil when absent.
    func string(_ key: String) throws -> String? {
        switch members[key] {
        case nil: return nil
        case .string(let value): return value
        case let other?: throw error(key, "must be a string, got \(other.description)")
        }
    }

    /// The number member `key` (in `range`), or nil when absent.
    func number(_ key: String, in range: ClosedRange<Double>, unit: String = "") throws -> Double? {
        switch members[key] {
        case nil: return nil
        case .number(let value):
            guard range.contains(value) else {
                throw error(key, "must be \(describe(range))\(unit), got \(JSONValue.number(value).description)")
            }
            return value
        case let other?:
            throw error(key, "must be a number\(unit.isEmpty ? "" : " of" + unit), got \(other.description)")
        }
    }

    /// The whole-number member `key` (in `range`), or nil when absent.
    func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        switch members[key] {
        case nil: return nil
        case .number(let value) where value.rounded() == value:
            guard value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
                throw error(key, "must be \(describe(range)), got \(JSONValue.number(value).description)")
            }
            return Int(value)
        case let other?: throw error(key, "must be a whole number, got \(other.description)")
        }
    }

    /// The member `key` as a duration in seconds (in `range`), or nil when absent.
    func seconds(_ key: String, in range: ClosedRange<Double>) throws -> Duration? {
        try number(key, in: range, unit: " seconds").map { .milliseconds(Int64(($0 * 1000).rounded())) }
    }

    /// The array-of-strings member `key`, or nil when absent.
    func strings(_ key: String) throws -> [String]? {
        guard let value = members[key] else { return nil }
        guard case .array(let elements) = value else {
            throw error(key, "must be an array of strings, got \(value.description)")
        }
        return try elements.enumerated().map { index, element in
            guard case .string(let string) = element else {
                throw error("\(key)[\(index)]", "must be a string, got \(element.description)")
            }
            return string
        }
    }

    /// The object member `key`, or nil when absent.
    func object(_ key: String) throws -> ManifestObject? {
        guard let value = members[key] else { return nil }
        return try ManifestObject(value, file: file, function: function, path: fieldPath(key)!)
    }

    /// The array-of-objects member `key`, or nil when absent.
    func objects(_ key: String) throws -> [ManifestObject]? {
        guard let value = members[key] else { return nil }
        guard case .array(let elements) = value else {
            throw error(key, "must be an array of objects, got \(value.description)")
        }
        return try elements.enumerated().map { index, element in
            try ManifestObject(element, file: file, function: function, path: "\(fieldPath(key)!)[\(index)]")
        }
    }

    private func describe(_ range: ClosedRange<Double>) -> String {
        let lower = JSONValue.number(range.lowerBound).description
        let upper = JSONValue.number(range.upperBound).description
        return range.upperBound.isInfinite ? "at least \(lower)" : "between \(lower) and \(upper)"
    }

    private func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == .max
            ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
    }
}

/// The Levenshtein distance between two short strings, for "did you mean" suggestions.
private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased())
    let b = Array(b.lowercased())
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
        var current = [i + 1]
        for (j, y) in b.enumerated() {
            current.append(Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
        }
        previous = current
    }
    return previous[b.count]
}
