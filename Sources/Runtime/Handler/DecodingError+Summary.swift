extension DecodingError {
    /// What was wrong with the JSON, naming the field, without the coding keys' debug descriptions.
    var summary: String {
        switch self {
        case .keyNotFound(let key, let context):
            return "missing field '\(Self.path(context.codingPath + [key]))'"
        case .valueNotFound(let type, let context):
            return "\(Self.location(context.codingPath)) is null, expected \(type)"
        case .typeMismatch(let type, let context):
            return "\(Self.location(context.codingPath)) is not \(type)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? context.debugDescription
                : "\(Self.location(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return String(describing: self)
        }
    }

    private static func location(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty ? "the value" : "field '\(self.path(codingPath))'"
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path
    }
}
