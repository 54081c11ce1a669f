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
