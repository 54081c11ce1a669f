import Foundation
import NIOCore
import NIOFoundationCompat

extension NewMessage {
    /// The most messages one batch request may carry (as SQS's `SendMessageBatch`).
    static let maximumBatch = 10

    /// Reads the messages of a batch request: `{"messages":[{"body":"…","attributes":{…}}, …]}`, each with a
    /// non-empty `body` (`"bodyEncoding":"base64"` for bytes) and optional `attributes` as for `X-Message-Attributes`.
    /// Throws a ``QueueError`` naming the message and the field that is wrong.
    ///
    /// ```swift
    /// let messages = try NewMessage.batch(json: ByteBuffer(string: #"{"messages":[{"body":"hello"}]}"#))
    /// ```
    static func batch(json: ByteBuffer) throws -> [NewMessage] {
        guard case .object(let document) = try? JSONDecoder().decode(JSONValue.self, from: json),
            case .array(let entries)? = document["messages"], document.count == 1
        else {
            throw QueueError(
                .invalidMessage,
                #"a batch must be a JSON object {"messages":[{"body":"…","attributes":{…}}, …]} and nothing else"#
            )
        }
        guard (1...maximumBatch).contains(entries.count) else {
            throw QueueError(
                .invalidMessage,
                "a batch holds 1 to \(maximumBatch) messages, this one \(entries.count)"
            )
        }
        return try entries.enumerated().map { index, entry in
            do {
                return try message(entry)
            } catch let error as QueueError {
                throw QueueError(error.code, "messages[\(index)]: \(error.message)")
            }
        }
    }

    private static func message(_ entry: JSONValue) throws -> NewMessage {
        guard case .object(let fields) = entry else {
            throw QueueError(.invalidMessage, "must be an object with a body, got \(entry.description)")
        }
        if let unknown = fields.keys.sorted().first(where: { !["body", "bodyEncoding", "attributes"].contains($0) }) {
            throw QueueError(.invalidMessage, "unknown field \"\(unknown)\"; expected body, bodyEncoding, attributes")
        }
        guard case .string(let text)? = fields["body"], !text.isEmpty else {
            throw QueueError(.invalidMessage, "body must be a non-empty string")
        }
        var body = MessageBody.text(text)
        switch fields["bodyEncoding"] {
        case nil:
            break
        case .string("base64")?:
            guard let bytes = Data(base64Encoded: text), !bytes.isEmpty else {
                throw QueueError(.invalidMessage, "body is marked base64 but is not valid base64")
            }
            body = MessageBody(bytes)
        case let other?:
            throw QueueError(.invalidMessage, "bodyEncoding must be \"base64\" when given, got \(other.description)")
        }
        var attributes: [String: MessageAttribute] = [:]
        if let value = fields["attributes"] {
            attributes = try MessageAttribute.parse(value, source: "attributes")
        }
        return NewMessage(body: body, attributes: attributes)
    }
}
