extension ManifestError {
    /// The error of a manifest the JSON parser rejected: the function and field are those the parser was reading, so
    /// `{"functions": {"f": {"timeout": 1, "timeout": 5000}}}` names function `f` and field `timeout`.
    init(file: String, failure: StrictJSONParser.Failure) {
        var path = failure.path[...]
        var function: String?
        if path.first == .key("functions"), path.count > 1, case .key(let name) = path[path.startIndex + 1] {
            function = name
            path = path.dropFirst(2)
        }
        let position = "line \(failure.line), column \(failure.column)"
        self.init(
            file: file,
            function: function,
            field: Self.fieldPath(path),
            message: failure.isSyntax
                ? "is not valid JSON: \(failure.problem) (\(position))" : "\(failure.problem) (\(position))"
        )
    }

    /// A path such as `http[0].methods[1]`; nil when it is empty.
    private static func fieldPath(_ path: ArraySlice<StrictJSONParser.PathComponent>) -> String? {
        guard !path.isEmpty else { return nil }
        var text = ""
        for component in path {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
