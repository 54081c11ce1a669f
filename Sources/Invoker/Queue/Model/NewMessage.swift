import Foundation
import NIOCore
import NIOFoundationCompat

/// A message to enqueue: its body, the attributes the producer attached, and for an asynchronous invocation where
/// to send the result.
struct NewMessage: Sendable, Equatable {
    /// The body.
    var body: MessageBody
    /// The producer's attributes, by name.
    var attributes: [String: MessageAttribute] = [:]
    /// Where the result of an asynchronous invocation is posted, if anywhere.
    var callbackURL: String? = nil

    /// The size the queue's limit applies to: the body plus the attributes' names, types and values, as SQS counts.
    var size: Int {
        body.bytes.count + attributes.reduce(0) { $0 + $1.key.utf8.count + $1.value.size }
    }
}

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

/// What enqueuing a message returns: its id and the digests SQS reports for it.
struct SentMessage: Codable, Sendable, Equatable {
    /// The message's id.
    var messageId: String
    /// The MD5 digest of its body, in lower-case hexadecimal.
    var md5OfMessageBody: String
    /// The MD5 digest of its attributes as SQS computes it; nil without attributes.
    var md5OfMessageAttributes: String?
}

extension SentMessage {
    /// Writes the message as the `202` answer's JSON object: `messageId`, `md5OfMessageBody` and, with attributes,
    /// `md5OfMessageAttributes`.
    func write(to json: inout JSONText) {
        json.object { json in
            json.member("messageId", messageId)
            json.member("md5OfMessageBody", md5OfMessageBody)
            json.member("md5OfMessageAttributes", ifPresent: md5OfMessageAttributes)
        }
    }
}
