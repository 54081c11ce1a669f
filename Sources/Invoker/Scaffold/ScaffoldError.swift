/// Why `invoker new` wrote nothing: what was wrong, naming the file or the name.
///
/// ```swift
/// throw ScaffoldError(.nameTaken, "functions.json already defines function \"hello\"")
/// ```
struct ScaffoldError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of refusal this is.
    enum Code: String, Sendable {
        /// The name is not a valid function name, or would give an unusable Swift type name.
        case invalidName
        /// The manifest, the registry or `Sources/Functions` already has the name or its type.
        case nameTaken
        /// The folder is not a functions package: `Package.swift`, `main.swift` or the manifest is missing.
        case notAPackage
        /// The manifest does not load now, or would not load with the new function.
        case invalidManifest
        /// `main.swift` has no registration or `run()` call to put the new registration beside.
        case unrecognizedMain
        /// A file could not be written (what was already written is restored).
        case writeFailed
    }

    /// What kind of refusal this is.
    var code: Code
    /// What was wrong, for the user.
    var message: String

    /// Creates an error.
    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { message }
}
