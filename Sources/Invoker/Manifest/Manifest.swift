/// The functions the invoker serves, read from `functions.json`.
///
/// ```swift
/// let manifest = try Manifest.load(path: "functions.json")
/// let hello = manifest["hello"]
/// ```
struct Manifest: Sendable {
    /// The manifest file, as the user named it (used in error messages).
    var file: String
    /// The absolute directory of the manifest file; relative paths in it are resolved against it.
    var directory: String
    /// The functions, sorted by name.
    var functions: [FunctionDefinition]

    /// The function named `name`, if the manifest has it.
    subscript(name: String) -> FunctionDefinition? {
        functions.first { $0.name == name }
    }

    /// Checks that every function run by the `Functions` worker binary names a handler it provides.
    func validateHandlers(available: Set<String>) throws {
        for function in functions where function.command == nil && !available.contains(function.handler) {
            let list = available.sorted().joined(separator: ", ")
            throw ManifestError(
                file: file,
                function: function.name,
                field: "handler",
                message: "the Functions worker binary has no handler \"\(function.handler)\"; it provides: \(list)"
            )
        }
    }
}
