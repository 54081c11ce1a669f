import Testing

@testable import Runtime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("Queue handlers and the SQS event")
struct QueueHandlerTests {
    /// An SQS event as Lambda sends it (from the Lambda developer guide), with a message attribute.
    static let lambdaEvent = #"""
        {"Records":[{"messageId":"059f36b4-87a3-44ab-83d2-661975830a7d",
        "receiptHandle":"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...","body":"Test message.",
        "attributes":{"ApproximateReceiveCount":"2","SentTimestamp":"1545082649183",
        "SenderId":"AIDAIENQZJOLO23YVJ4VO","ApproximateFirstReceiveTimestamp":"1545082649185"},
        "messageAttributes":{"myAttribute":{"stringValue":"myValue","stringListValues":[],"binaryListValues":[],
        "dataType":"String"}},"md5OfBody":"e4e68fb7bd0e697a0ae8f1bb342846b3","eventSource":"aws:sqs",
        "eventSourceARN":"arn:aws:sqs:us-east-2:123456789012:my-queue","awsRegion":"us-east-2"},
        {"messageId":"2e1424d4-f796-459a-8184-9c92662be6da","receiptHandle":"AQEBzWwaftRI0KuVm4tP+/7q1rGgNqicHq...",
        "body":"fail","attributes":{},"messageAttributes":{},"md5OfBody":"","eventSource":"aws:sqs",
        "eventSourceARN":"arn:aws:sqs:us-east-2:123456789012:my-queue","awsRegion":"us-east-2"}]}
        """#

    struct Uppercase: QueueMessageHandler {
        func handle(_ message: SQSEvent.Message, context: Context) async throws {
            guard message.body != "fail" else { throw FunctionError(type: "Refused", message: "no") }
        }
    }

    @Test("Lambda's SQS event decodes, with its attributes")
    func decodesLambdasEvent() throws {
        let event = try JSONDecoder().decode(SQSEvent.self, from: Data(Self.lambdaEvent.utf8))
        #expect(event.records.count == 2)
        let message = event.records[0]
        #expect(message.messageId == "059f36b4-87a3-44ab-83d2-661975830a7d" && message.body == "Test message.")
        #expect(message.receiveCount == 2 && message.sentTimestamp == 1_545_082_649_183)
        #expect(
            message.messageAttributes["myAttribute"]
                == SQSEvent.MessageAttribute(dataType: "String", stringValue: "myValue")
        )
        #expect(message.eventSourceARN == "arn:aws:sqs:us-east-2:123456789012:my-queue")
    }

    @Test("a per-message handler reports the messages that threw in batchItemFailures")
    func reportsFailedMessages() async throws {
        let reports = try await invoke(Uppercase(), with: [Self.lambdaEvent])
        #expect(
            reports == [
                .response(
                    requestID: "request-1",
                    body: #"{"batchItemFailures":[{"itemIdentifier":"2e1424d4-f796-459a-8184-9c92662be6da"}]}"#
                )
            ]
        )
    }

    @Test("a batch handler's empty response says every message succeeded")
    func emptyResponse() async throws {
        let handler = ClosureHandler { (event: SQSEvent, _: Context) in
            SQSBatchResponse(failedMessageIDs: event.records.filter { $0.body.isEmpty }.map(\.messageId))
        }
        let reports = try await invoke(handler, with: [Self.lambdaEvent])
        #expect(reports == [.response(requestID: "request-1", body: #"{"batchItemFailures":[]}"#)])
    }
}
