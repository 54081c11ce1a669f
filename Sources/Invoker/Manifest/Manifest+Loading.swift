import Foundation

extension Manifest {
    /// Reads and validates the manifest at `path`.
    static func load(path: String) throws -> Manifest {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ManifestError(file: path, message: "cannot be read: no such file or not readable")
        }
        return try parse(data, file: path, directory: url.deletingLastPathComponent().standardizedFileURL.path)
    }

    /// Validates a manifest's JSON text; `file` names it in errors and `directory` resolves its relative paths.
    static func parse(_ data: Data, file: String, directory: String) throws -> Manifest {
        let document: JSONValue
        do {
            document = try StrictJSONParser.parse(Array(data))
        } catch {
            throw ManifestError(file: file, failure: error)
        }
        let root = try ManifestObject(document, file: file, function: nil, path: "")
        try root.rejectUnknownKeys(["functions"])
        guard let functionsValue = root.members["functions"] else {
            throw root.error("functions", "is missing; the manifest must define its functions under \"functions\"")
        }
        let entries = try ManifestObject(functionsValue, file: file, function: nil, path: "functions")
        guard !entries.members.isEmpty else {
            throw root.error("functions", "defines no function")
        }
        var functions: [FunctionDefinition] = []
        for (name, value) in entries.members.sorted(by: { $0.key < $1.key }) {
            guard isValidFunctionName(name) else {
                throw ManifestError(
                    file: file,
                    function: name,
                    message: "is not a valid function name: \(functionNameRule)"
                )
            }
            let object = try ManifestObject(value, file: file, function: name, path: "")
            functions.append(try FunctionDefinition(object, name: name, directory: directory))
        }
        try checkRoutes(functions, file: file)
        try checkQueuesAreUnique(functions, file: file)
        try checkSchedulesAreUnique(functions, file: file)
        return Manifest(file: file, directory: directory, functions: functions)
    }

    /// The rule function names follow, as error messages state it.
    static let functionNameRule = "use 1 to 64 letters, digits, '-' or '_'"

    /// Whether `name` follows ``functionNameRule`` (`invoker new` checks names with it too).
    static func isValidFunctionName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    private static func checkQueuesAreUnique(_ functions: [FunctionDefinition], file: String) throws {
        var consumers: [String: String] = [:]
        for function in functions {
            guard let queue = function.queue else { continue }
            if let other = consumers[queue.name] {
                throw ManifestError(
                    file: file,
                    function: function.name,
                    field: "queue.name",
                    message: "queue \"\(queue.name)\" is already consumed by function \"\(other)\""
                )
            }
            consumers[queue.name] = function.name
        }
    }
}
