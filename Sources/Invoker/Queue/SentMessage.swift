/// What enqueuing a message returns: its id and the digests SQS reports for it.
struct SentMessage: Codable, Sendable, Equatable {
    /// The message's id.
    var messageId: String
    /// The MD5 digest of its body, in lower-case hexadecimal.
    var md5OfMessageBody: String
    /// The MD5 digest of its attributes as SQS computes it; nil without attributes.
    var md5OfMessageAttributes: String?
}
