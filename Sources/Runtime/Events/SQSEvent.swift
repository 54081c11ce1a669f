/// A batch of queue messages in the shape of Lambda's SQS event: what a queue-triggered function receives.
///
/// The invoker delivers up to the trigger's `batchSize` messages in one event; a ``QueueHandler`` receives it decoded.
///
/// ```swift
/// for message in event.records {
///     print(message.messageId, message.body, message.receiveCount ?? 1)
/// }
/// ```
public struct SQSEvent: Codable, Sendable, Equatable {
    /// The messages of the batch, oldest first.
    public var records: [Message]

    /// Creates an event.
    public init(records: [Message]) {
        self.records = records
    }

    enum CodingKeys: String, CodingKey {
        case records = "Records"
    }
}

extension SQSEvent {
    /// One message of a batch.
    public struct Message: Codable, Sendable, Equatable {
        /// The message's id: report it in ``SQSBatchResponse`` when the message failed.
        public var messageId: String
        /// The handle of this delivery of the message (a new one each time it is delivered).
        public var receiptHandle: String
        /// The message body: the text the producer sent, or base64 when it was not UTF-8 text (then ``attributes``
        /// has `BodyEncoding: base64`).
        public var body: String
        /// System attributes: `ApproximateReceiveCount`, `SentTimestamp`, `SenderId`,
        /// `ApproximateFirstReceiveTimestamp` (times in milliseconds since the Unix epoch), all as strings.
        public var attributes: [String: String]
        /// The attributes the producer attached to the message.
        public var messageAttributes: [String: MessageAttribute]
        /// The MD5 digest of the body, in lower-case hexadecimal.
        public var md5OfBody: String
        /// The MD5 digest of the message attributes as SQS computes it; nil without attributes.
        public var md5OfMessageAttributes: String?
        /// Always `aws:sqs`.
        public var eventSource: String
        /// The queue's ARN, `arn:aws:sqs:<region>:<account>:<queue>`.
        public var eventSourceARN: String
        /// The region the invoker reports.
        public var awsRegion: String

        /// Creates a message.
        public init(
            messageId: String,
            receiptHandle: String,
            body: String,
            attributes: [String: String] = [:],
            messageAttributes: [String: MessageAttribute] = [:],
            md5OfBody: String,
            md5OfMessageAttributes: String? = nil,
            eventSource: String = "aws:sqs",
            eventSourceARN: String,
            awsRegion: String
        ) {
            self.messageId = messageId
            self.receiptHandle = receiptHandle
            self.body = body
            self.attributes = attributes
            self.messageAttributes = messageAttributes
            self.md5OfBody = md5OfBody
            self.md5OfMessageAttributes = md5OfMessageAttributes
            self.eventSource = eventSource
            self.eventSourceARN = eventSourceARN
            self.awsRegion = awsRegion
        }

        /// Decodes a message, accepting events that leave out the attribute maps.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.messageId = try container.decode(String.self, forKey: .messageId)
            self.receiptHandle = try container.decodeIfPresent(String.self, forKey: .receiptHandle) ?? ""
            self.body = try container.decode(String.self, forKey: .body)
            self.attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
            self.messageAttributes =
                try container.decodeIfPresent([String: MessageAttribute].self, forKey: .messageAttributes) ?? [:]
            self.md5OfBody = try container.decodeIfPresent(String.self, forKey: .md5OfBody) ?? ""
            self.md5OfMessageAttributes = try container.decodeIfPresent(String.self, forKey: .md5OfMessageAttributes)
            self.eventSource = try container.decodeIfPresent(String.self, forKey: .eventSource) ?? "aws:sqs"
            self.eventSourceARN = try container.decodeIfPresent(String.self, forKey: .eventSourceARN) ?? ""
            self.awsRegion = try container.decodeIfPresent(String.self, forKey: .awsRegion) ?? ""
        }

        /// How many times the message was delivered, this delivery included (`ApproximateReceiveCount`).
        public var receiveCount: Int? {
            self.attributes["ApproximateReceiveCount"].flatMap { Int($0) }
        }

        /// When the message was sent, in milliseconds since the Unix epoch (`SentTimestamp`).
        public var sentTimestamp: Int64? {
            self.attributes["SentTimestamp"].flatMap { Int64($0) }
        }
    }

    /// An attribute a producer attached to a message, as SQS represents it.
    public struct MessageAttribute: Codable, Sendable, Equatable {
        /// The value of a `String` or `Number` attribute.
        public var stringValue: String?
        /// The value of a `Binary` attribute, base64-encoded.
        public var binaryValue: String?
        /// Reserved by SQS; always empty.
        public var stringListValues: [String]
        /// Reserved by SQS; always empty.
        public var binaryListValues: [String]
        /// `String`, `Number` or `Binary`, optionally followed by `.` and a custom label (`Number.int`).
        public var dataType: String

        /// Creates an attribute.
        public init(dataType: String, stringValue: String? = nil, binaryValue: String? = nil) {
            self.dataType = dataType
            self.stringValue = stringValue
            self.binaryValue = binaryValue
            self.stringListValues = []
            self.binaryListValues = []
        }

        /// Decodes an attribute, accepting events that leave out the list values.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.dataType = try container.decode(String.self, forKey: .dataType)
            self.stringValue = try container.decodeIfPresent(String.self, forKey: .stringValue)
            self.binaryValue = try container.decodeIfPresent(String.self, forKey: .binaryValue)
            self.stringListValues = try container.decodeIfPresent([String].self, forKey: .stringListValues) ?? []
            self.binaryListValues = try container.decodeIfPresent([String].self, forKey: .binaryListValues) ?? []
        }
    }
}
