import Runtime

extension SQSEvent.Message {
    /// The SQS record of a leased message of `queue`.
    init(_ message: QueueMessage, queue: String) {
        var attributes = [
            "ApproximateReceiveCount": String(message.receiveCount),
            "SentTimestamp": String(message.sentAt),
            "SenderId": WorkerLaunch.accountID,
            "ApproximateFirstReceiveTimestamp": String(message.firstReceivedAt),
        ]
        if message.body.isBinary {
            attributes["BodyEncoding"] = "base64"
        }
        self.init(
            messageId: message.id,
            receiptHandle: message.receipt.description,
            body: message.body.eventText,
            attributes: attributes,
            messageAttributes: message.attributes.mapValues { attribute in
                SQSEvent.MessageAttribute(
                    dataType: attribute.dataType,
                    stringValue: attribute.stringValue,
                    binaryValue: attribute.binaryValue
                )
            },
            md5OfBody: message.md5OfBody,
            md5OfMessageAttributes: MessageAttribute.digest(of: message.attributes),
            eventSourceARN: Self.arn(of: queue),
            awsRegion: WorkerLaunch.region
        )
    }

    /// The ARN of `queue`: `arn:aws:sqs:<region>:<account>:<queue>`.
    static func arn(of queue: String) -> String {
        "arn:aws:sqs:\(WorkerLaunch.region):\(WorkerLaunch.accountID):\(queue)"
    }
}
