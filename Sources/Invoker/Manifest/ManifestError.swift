/// A problem in `functions.json`, naming the file, the function and the field.
///
/// Its description reads like `functions.json: function "hello", field "timeout": must be greater than 0, got -1`.
struct ManifestError: Error, CustomStringConvertible, Equatable {
    /// The manifest file, as the user named it.
    var file: String
    /// The function the problem is in; nil for problems with the whole file.
    var function: String?
    /// The field, as a path such as `scaling.max` or `http[0].path`; nil when the problem is the whole function.
    var field: String?
    /// What is wrong, including the offending value.
    var message: String

    var description: String {
        var location = file
        var parts: [String] = []
        if let function { parts.append("function \"\(function)\"") }
        if let field { parts.append("field \"\(field)\"") }
        if !parts.isEmpty { location += ": " + parts.joined(separator: ", ") }
        return "\(location): \(message)"
    }
}
