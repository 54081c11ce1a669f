/// An attribute a producer attached to a message, as SQS types it: a `String`, a `Number` (kept as text) or `Binary`
/// bytes, each optionally with a custom label (`Number.int`).
struct MessageAttribute: Codable, Sendable, Equatable {
    /// `String`, `Number` or `Binary`, optionally followed by `.` and a label.
    var dataType: String
    /// The value of a `String` or `Number` attribute.
    var stringValue: String?
    /// The value of a `Binary` attribute, base64-encoded.
    var binaryValue: String?

    /// The JSON keys, as SQS's `SendMessage` names them.
    enum CodingKeys: String, CodingKey {
        case dataType = "DataType"
        case stringValue = "StringValue"
        case binaryValue = "BinaryValue"
    }

    /// The type without its label: `String`, `Number` or `Binary`.
    var baseType: String {
        String(dataType.prefix { $0 != "." })
    }

    /// The size SQS counts for the attribute's type and value (its name is counted by the message).
    var size: Int {
        dataType.utf8.count + (stringValue?.utf8.count ?? 0) + (binaryValue.map { $0.utf8.count * 3 / 4 } ?? 0)
    }
}
