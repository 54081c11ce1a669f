import Foundation

extension MessageAttribute {
    /// Attributes as the queue stores keep them: JSON text with sorted keys, or nil when there are none.
    static func storedJSON(_ attributes: [String: MessageAttribute]) throws -> String? {
        guard !attributes.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(attributes), as: UTF8.self)
    }

    /// Attributes read from a queue store.
    static func decodeStored(_ json: String?) throws -> [String: MessageAttribute] {
        guard let json else { return [:] }
        return try JSONDecoder().decode([String: MessageAttribute].self, from: Data(json.utf8))
    }
}
