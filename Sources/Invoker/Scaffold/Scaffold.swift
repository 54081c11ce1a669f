import Foundation

/// What `invoker new` does: adds a function of a kind to a functions package, in its handler file, `main.swift` and
/// the manifest, or refuses and writes nothing.
///
/// Every change is worked out and checked in memory first, the edited manifest loaded as `invoker serve` would
/// load it; only then are the files written.
///
/// ```swift
/// let scaffold = Scaffold(name: try FunctionName("resize"), kind: .queue, package: ".", manifest: nil)
/// let changes = try scaffold.changes()
/// try Scaffold.write(changes)
/// ```
struct Scaffold: Sendable {
    /// One file to write: its path, its new text and the text it had (nil for a new file).
    struct Change: Sendable, Equatable {
        /// The file's path.
        var path: String
        /// The file's text after the change.
        var contents: String
        /// The file's text before the change; nil when the change creates the file.
        var original: String?
    }

    /// The function to add.
    var name: FunctionName
    /// Its kind.
    var kind: FunctionKind
    /// The package's folder.
    var package: String
    /// The manifest's path; nil for `functions.json` in the package.
    var manifest: String?

    /// The package's folder of function sources.
    var sourcesDirectory: String { path("Sources/Functions") }
    /// The package's `main.swift`.
    var mainPath: String { path("Sources/Functions/main.swift") }
    /// The handler's new file.
    var handlerPath: String { path("Sources/Functions/\(name.typeName).swift") }
    /// The manifest's path.
    var manifestPath: String { manifest ?? path("functions.json") }

    /// The manifest members of the new function: its handler and its trigger, as JSON texts.
    var manifestMembers: [(key: String, value: String)] {
        let handler = (key: "handler", value: "\"\(name.name)\"")
        switch kind {
        case .http: return [handler, ("http", "[{ \"path\": \"/\(name.name)\", \"methods\": [\"GET\", \"POST\"] }]")]
        case .json: return [handler]
        case .queue: return [handler, ("queue", "{ \"name\": \"\(name.name)\" }")]
        }
    }

    /// The three changes, checked: the package has its layout, nothing has the name or the type name yet, and the
    /// manifest loads before and after.
    func changes() throws -> [Change] {
        let fileManager = FileManager.default
        let missing = [path("Package.swift"), mainPath, manifestPath]
            .filter { !fileManager.fileExists(atPath: $0) }
        guard missing.isEmpty else {
            throw ScaffoldError(
                .notAPackage,
                "\(package) is not a functions package: \(missing.joined(separator: ", ")) "
                    + (missing.count == 1 ? "is" : "are") + " missing; run invoker new in the package's folder,"
                    + " or name it with --package (and the manifest with --manifest)"
            )
        }
        let current: Manifest
        do {
            current = try Manifest.load(path: manifestPath)
        } catch {
            throw ScaffoldError(.invalidManifest, "\(error); fix the manifest first")
        }
        if current[name.name] != nil {
            throw ScaffoldError(.nameTaken, "\(manifestPath) already defines function \"\(name.name)\"")
        }
        let main = try Self.read(mainPath)
        let registry = RegistryEditor(text: main)
        if registry.registers(name.name) {
            throw ScaffoldError(.nameTaken, "\(mainPath) already registers a handler \"\(name.name)\"")
        }
        if fileManager.fileExists(atPath: handlerPath) {
            throw ScaffoldError(.nameTaken, "\(handlerPath) already exists")
        }
        if let file = try declaringFile(of: name.typeName) {
            throw ScaffoldError(.nameTaken, "\(file) already declares a type \(name.typeName)")
        }
        let manifestText = try Self.read(manifestPath)
        let edited = try ManifestEditor(text: manifestText).inserting(name.name, members: manifestMembers)
        do {
            let manifest = try Manifest.parse(Data(edited.utf8), file: manifestPath, directory: current.directory)
            guard manifest[name.name] != nil else {
                throw ScaffoldError(.invalidManifest, "could not add function \"\(name.name)\" to \(manifestPath)")
            }
        } catch let error as ManifestError {
            throw ScaffoldError(.invalidManifest, "function \"\(name.name)\" cannot be added: \(error)")
        }
        return [
            Change(path: handlerPath, contents: FunctionTemplate.source(kind, name: name), original: nil),
            Change(path: mainPath, contents: try registry.inserting(name), original: main),
            Change(path: manifestPath, contents: edited, original: manifestText),
        ]
    }

    /// Writes `changes` in order; when one fails, restores the files already written and removes the new ones.
    static func write(_ changes: [Change]) throws {
        for (index, change) in changes.enumerated() {
            do {
                let options: Data.WritingOptions = change.original == nil ? .withoutOverwriting : .atomic
                try Data(change.contents.utf8).write(to: URL(fileURLWithPath: change.path), options: options)
            } catch {
                for done in changes[..<index].reversed() {
                    if let original = done.original {
                        try? Data(original.utf8).write(to: URL(fileURLWithPath: done.path), options: .atomic)
                    } else {
                        try? FileManager.default.removeItem(atPath: done.path)
                    }
                }
                throw ScaffoldError(.writeFailed, "cannot write \(change.path): \(error.localizedDescription)")
            }
        }
    }

    /// The Swift file in `Sources/Functions` (and below) that declares a type `typeName`, if one does.
    private func declaringFile(of typeName: String) throws -> String? {
        guard let files = FileManager.default.enumerator(atPath: sourcesDirectory) else { return nil }
        for case let file as String in files where file.hasSuffix(".swift") {
            let path = (sourcesDirectory as NSString).appendingPathComponent(file)
            let words = try Self.read(path).split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") })
            for (keyword, word) in zip(words, words.dropFirst()) where word == typeName {
                if ["struct", "class", "enum", "actor", "protocol", "typealias"].contains(keyword) { return path }
            }
        }
        return nil
    }

    /// The path of `relative` in the package, as the user would write it: without `./` for the current folder.
    private func path(_ relative: String) -> String {
        package == "." || package == "./" ? relative : (package as NSString).appendingPathComponent(relative)
    }

    private static func read(_ path: String) throws -> String {
        do {
            // Decoded by hand rather than with String(contentsOfFile:), which would drop a byte order mark.
            return String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        } catch {
            throw ScaffoldError(.notAPackage, "cannot read \(path): \(error.localizedDescription)")
        }
    }
}
