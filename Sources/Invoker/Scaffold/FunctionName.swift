/// A function's name as `invoker new` takes it, and the Swift type its handler gets: the name in UpperCamelCase.
///
/// ```swift
/// let name = try FunctionName("order-created")
/// name.typeName  // "OrderCreated"
/// ```
struct FunctionName: Sendable, Equatable {
    /// The name the manifest and the registry know the function by.
    var name: String
    /// The handler's type name, which is also its file's name.
    var typeName: String

    /// Type names the generated type must not take: the `Runtime` library's own types and the standard types a
    /// function file uses, which it would hide from the whole `Functions` module.
    static let reservedTypeNames: Set<String> = [
        "Context", "FunctionError", "FunctionRegistry", "FunctionURLRequest", "FunctionURLResponse", "HTTPHandler",
        "Handler", "QueueHandler", "QueueMessageHandler", "ReportableError", "ResponseWriter", "SQSBatchResponse",
        "SQSEvent", "StreamingHandler", "StreamingStatusAndHeaders", "ByteBuffer", "Logger",
        "Any", "Self", "Type", "Protocol", "Array", "Bool", "Character", "Codable", "Collection", "Data", "Date",
        "Decodable", "Dictionary", "Double", "Encodable", "Equatable", "Error", "Float", "Hashable", "Int", "Never",
        "Optional", "Result", "Sendable", "Sequence", "Set", "String", "Substring", "Task", "URL", "UUID", "Void",
    ]

    /// Validates `name` with the manifest's rule for function names, and requires a name that starts with a letter
    /// and whose type name is not one of ``reservedTypeNames``.
    init(_ name: String) throws {
        guard Manifest.isValidFunctionName(name) else {
            throw ScaffoldError(
                .invalidName,
                "\(name.debugDescription) is not a valid function name: \(Manifest.functionNameRule)"
            )
        }
        let typeName = Self.typeName(of: name)
        guard let first = name.first, first.isLetter else {
            throw ScaffoldError(
                .invalidName,
                "\(name.debugDescription) must start with a letter, so that its handler's type name is a Swift"
                    + " identifier"
            )
        }
        guard !Self.reservedTypeNames.contains(typeName) else {
            throw ScaffoldError(
                .invalidName,
                "\(name.debugDescription) would name its handler \(typeName), which would hide the \(typeName) that"
                    + " functions use; choose another name"
            )
        }
        self.name = name
        self.typeName = typeName
    }

    /// The name in UpperCamelCase: split at `-` and `_`, each part's first letter in upper case (`order-created`
    /// gives `OrderCreated`, `resize_v2` gives `ResizeV2`).
    static func typeName(of name: String) -> String {
        name.split(whereSeparator: { $0 == "-" || $0 == "_" })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }
}
