import Foundation

extension MessageAttribute {
    /// The most attributes one message may carry (as in SQS).
    static let maximumCount = 10
    /// The header producers put a message's attributes in.
    static let header = "X-Message-Attributes"

    /// Reads the attributes a producer sent as JSON: an object from names to values, each either a string (a
    /// `String` attribute), a number (a `Number` attribute), or an object in SQS's `SendMessage` shape,
    /// `{"DataType":"Binary","BinaryValue":"aGk="}`. Throws a ``QueueError`` naming the attribute and what is wrong
    /// with it.
    ///
    /// ```swift
    /// try MessageAttribute.parse(json: #"{"author":"Ada","priority":3}"#)
    /// ```
    static func parse(json: String) throws -> [String: MessageAttribute] {
        let value = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        return try parse(value ?? .null, source: header)
    }

    /// Reads attributes from a parsed JSON value, as ``parse(json:)`` does; `source` names where they came from in
    /// the error messages.
    static func parse(_ value: JSONValue, source: String) throws -> [String: MessageAttribute] {
        do {
            guard case .object(let members) = value else {
                throw invalid("must be a JSON object of attributes, like {\"author\":\"Ada\",\"priority\":3}")
            }
            guard members.count <= maximumCount else {
                throw invalid("has \(members.count) attributes; a message may have at most \(maximumCount)")
            }
            var attributes: [String: MessageAttribute] = [:]
            for (name, value) in members {
                try validate(name: name)
                attributes[name] = try attribute(named: name, from: value)
            }
            return attributes
        } catch let error as QueueError {
            throw QueueError(error.code, "\(source) \(error.message)")
        }
    }

    private static func attribute(named name: String, from value: JSONValue) throws -> MessageAttribute {
        let fields: [String: JSONValue]
        switch value {
        case .string(let text):
            guard !text.isEmpty else { throw invalid("attribute \"\(name)\": the value must not be empty") }
            return MessageAttribute(dataType: "String", stringValue: text)
        case .number:
            return MessageAttribute(dataType: "Number", stringValue: value.description)
        case .object(let object):
            fields = object
        default:
            throw invalid(
                "attribute \"\(name)\": the value must be a string, a number or an object with DataType and"
                    + " StringValue or BinaryValue, got \(value.description)"
            )
        }
        var canonical: [String: JSONValue] = [:]
        for (key, field) in fields {
            let upper = key.prefix(1).uppercased() + key.dropFirst()
            guard ["DataType", "StringValue", "BinaryValue"].contains(upper) else {
                throw invalid(
                    "attribute \"\(name)\": unknown field \"\(key)\"; expected DataType and StringValue or BinaryValue"
                )
            }
            canonical[upper] = field
        }
        guard case .string(let dataType) = canonical["DataType"] else {
            throw invalid("attribute \"\(name)\": DataType is missing or not a string")
        }
        let attribute = MessageAttribute(
            dataType: dataType,
            stringValue: try string(canonical["StringValue"], "StringValue", of: name),
            binaryValue: try string(canonical["BinaryValue"], "BinaryValue", of: name)
        )
        try attribute.validate(name: name)
        return attribute
    }

    private static func string(_ value: JSONValue?, _ field: String, of name: String) throws -> String? {
        guard let value else { return nil }
        guard case .string(let text) = value else {
            throw invalid("attribute \"\(name)\": \(field) must be a string, got \(value.description)")
        }
        return text
    }

    private func validate(name: String) throws {
        let label = dataType.drop { $0 != "." }.dropFirst()
        guard ["String", "Number", "Binary"].contains(baseType),
            dataType.utf8.count <= 256, !dataType.hasSuffix("."),
            label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) })
        else {
            throw Self.invalid(
                "attribute \"\(name)\": DataType must be String, Number or Binary, optionally followed by a"
                    + " .label, got \"\(dataType)\""
            )
        }
        switch baseType {
        case "Binary":
            guard stringValue == nil, let binaryValue, !binaryValue.isEmpty, Data(base64Encoded: binaryValue) != nil
            else {
                throw Self.invalid("attribute \"\(name)\": a Binary attribute needs a base64 BinaryValue, and only it")
            }
        case "Number":
            guard binaryValue == nil, let stringValue, let number = Double(stringValue), number.isFinite else {
                throw Self.invalid(
                    "attribute \"\(name)\": a Number attribute needs a StringValue that is a number, got"
                        + " \(stringValue.map { "\"\($0)\"" } ?? "none")"
                )
            }
        default:
            guard binaryValue == nil, let stringValue, !stringValue.isEmpty else {
                throw Self.invalid("attribute \"\(name)\": a String attribute needs a non-empty StringValue")
            }
        }
    }

    private static func validate(name: String) throws {
        let lowered = name.lowercased()
        guard (1...256).contains(name.utf8.count),
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }),
            !name.hasPrefix("."), !name.hasSuffix("."), !name.contains(".."),
            !lowered.hasPrefix("aws."), !lowered.hasPrefix("amazon.")
        else {
            throw invalid(
                "attribute name \"\(name)\" is invalid: use 1 to 256 letters, digits, '_', '-' and '.' (not at the"
                    + " start or end, not twice in a row), and no AWS. or Amazon. prefix"
            )
        }
    }

    private static func invalid(_ message: String) -> QueueError {
        QueueError(.invalidMessage, message)
    }
}
