import Foundation
import NIOCore
import NIOFoundationCompat
import Runtime
import Testing

@testable import Invoker

/// The pure parts of the queue: digests, attributes, the SQS event, and how a batch's outcome is read.
@Suite("Queue messages, events and batch outcomes")
struct QueueMessageTests {
    @Test("MD5 matches RFC 1321's test suite")
    func md5() {
        let vectors = [
            "": "d41d8cd98f00b204e9800998ecf8427e",
            "a": "0cc175b9c0f1b6a831c399e269772661",
            "abc": "900150983cd24fb0d6963f7d28e17f72",
            "message digest": "f96b697d7cb7938d525a2f31aaf161d0",
            "abcdefghijklmnopqrstuvwxyz": "c3fcd3d76192e4007dfb496cca67e13b",
            String(repeating: "1234567890", count: 8): "57edf4a22be3c955ac49da2e2107b67a",
        ]
        for (text, digest) in vectors {
            #expect(MD5.hex(Array(text.utf8)) == digest, "\(text)")
        }
    }

    @Test("the attributes' digest is SQS's MD5OfMessageAttributes")
    func attributeDigest() {
        #expect(
            MessageAttribute.digest(of: [
                "ordinal": MessageAttribute(dataType: "Number", stringValue: "1"),
                "category": MessageAttribute(dataType: "String", stringValue: "test"),
            ]) == "d21ae90c49061e927f57df5f5d72be1f"
        )
        #expect(
            MessageAttribute.digest(of: [
                "SellerName": MessageAttribute(dataType: "String", stringValue: "Example Store")
            ])
                == "cd28f3b68aeee4b2eac9c66f2f694b58"
        )
        #expect(MessageAttribute.digest(of: [:]) == nil)
    }

    @Test("attributes parse from shorthand and SQS's shape; malformed ones say what is wrong")
    func attributeParsing() throws {
        let parsed = try MessageAttribute.parse(
            json: #"{"author":"Ada","priority":3,"ratio":{"DataType":"Number.float","StringValue":"0.5"},"#
                + #""thumb":{"dataType":"Binary","binaryValue":"aGk="}}"#
        )
        #expect(parsed["author"] == MessageAttribute(dataType: "String", stringValue: "Ada"))
        #expect(parsed["priority"] == MessageAttribute(dataType: "Number", stringValue: "3"))
        #expect(parsed["ratio"] == MessageAttribute(dataType: "Number.float", stringValue: "0.5"))
        #expect(parsed["thumb"] == MessageAttribute(dataType: "Binary", binaryValue: "aGk="))

        let malformed = [
            "not json": "must be a JSON object",
            "[1]": "must be a JSON object",
            #"{"a":true}"#: #"attribute "a": the value must be a string, a number or an object"#,
            #"{"a":""}"#: "must not be empty",
            #"{"a b":"x"}"#: #"attribute name "a b" is invalid"#,
            #"{"AWS.trace":"x"}"#: "no AWS. or Amazon. prefix",
            #"{"n":{"DataType":"Number","StringValue":"three"}}"#: "needs a StringValue that is a number",
            #"{"b":{"DataType":"Binary","BinaryValue":"!!"}}"#: "needs a base64 BinaryValue",
            #"{"t":{"DataType":"Text","StringValue":"x"}}"#: "DataType must be String, Number or Binary",
            #"{"t":{"DataType":"String","Value":"x"}}"#: #"unknown field "Value""#,
            "{" + (0..<11).map { #""a\#($0)":"x""# }.joined(separator: ",") + "}": "at most 10",
        ]
        for (json, expected) in malformed {
            let error = #expect(throws: QueueError.self) { try MessageAttribute.parse(json: json) }
            #expect(error?.code == .invalidMessage)
            #expect(error?.message.contains(expected) == true, "\(json): \(error?.message ?? "")")
            #expect(error?.message.hasPrefix("X-Message-Attributes") == true)
        }
    }

    @Test("a batch request reads its messages; a malformed one names the message and field")
    func batches() throws {
        let messages = try NewMessage.batch(
            json: ByteBuffer(
                string: #"{"messages":[{"body":"one","attributes":{"n":1}},{"body":"/w==","bodyEncoding":"base64"}]}"#
            )
        )
        #expect(messages.map(\.body) == [.text("one"), .binary([0xFF])])
        #expect(messages[0].attributes["n"] == MessageAttribute(dataType: "Number", stringValue: "1"))
        let malformed = [
            #"{"messages":[]}"#: "1 to 10 messages",
            "[]": "must be a JSON object",
            #"{"messages":[{"body":"a"}],"extra":1}"#: "and nothing else",
            #"{"messages":[{"body":"a"},{"body":""}]}"#: "messages[1]: body must be a non-empty string",
            #"{"messages":[{"body":"a","size":1}]}"#: #"messages[0]: unknown field "size""#,
            #"{"messages":[{"body":"!","bodyEncoding":"base64"}]}"#: "messages[0]: body is marked base64",
            #"{"messages":[{"body":"a","attributes":{"b":false}}]}"#: #"messages[0]: attributes attribute "b""#,
            "{\"messages\":[" + Array(repeating: #"{"body":"a"}"#, count: 11).joined(separator: ",") + "]}":
                "this one 11",
        ]
        for (json, expected) in malformed {
            let error = #expect(throws: QueueError.self) { try NewMessage.batch(json: ByteBuffer(string: json)) }
            #expect(error?.message.contains(expected) == true, "\(json): \(error?.message ?? "")")
        }
    }

    @Test("a leased message becomes an SQS record as Lambda shapes it")
    func sqsRecord() throws {
        let message = QueueMessage(
            id: "0193a5e2-7c41-7d2a-9b1f-3c5e8a0d4f62",
            receipt: QueueReceipt(sequence: 42, receiveCount: 2),
            body: .text("hello world"),
            md5OfBody: MD5.hex(Array("hello world".utf8)),
            attributes: ["author": MessageAttribute(dataType: "String", stringValue: "Ada")],
            callbackURL: nil,
            sentAt: 1_800_000_000_000,
            firstReceivedAt: 1_800_000_000_500
        )
        let event = SQSEvent(records: [SQSEvent.Message(message, queue: "words")])
        let json = try JSONSerialization.jsonObject(with: Data(buffer: event.json)) as? [String: Any]
        let record = try #require((json?["Records"] as? [[String: Any]])?.first)
        #expect(record["messageId"] as? String == message.id)
        #expect(record["receiptHandle"] as? String == "42.2")
        #expect(record["body"] as? String == "hello world")
        #expect(record["md5OfBody"] as? String == "5eb63bbbe01eeed093cb22bb8f5acdc3")
        #expect(record["eventSource"] as? String == "aws:sqs")
        #expect(record["eventSourceARN"] as? String == "arn:aws:sqs:us-east-1:000000000000:words")
        #expect(record["awsRegion"] as? String == "us-east-1")
        let attributes = try #require(record["attributes"] as? [String: String])
        #expect(attributes["ApproximateReceiveCount"] == "2")
        #expect(attributes["SentTimestamp"] == "1800000000000")
        #expect(attributes["ApproximateFirstReceiveTimestamp"] == "1800000000500")
        #expect(attributes["SenderId"] != nil && attributes["BodyEncoding"] == nil)
        let author = try #require((record["messageAttributes"] as? [String: [String: Any]])?["author"])
        #expect(author["stringValue"] as? String == "Ada" && author["dataType"] as? String == "String")
        #expect((author["stringListValues"] as? [Any])?.isEmpty == true)
        #expect(record["md5OfMessageAttributes"] as? String == MessageAttribute.digest(of: message.attributes))

        // The hand-written JSON reads back as the same event, whatever the body holds.
        var tricky = message
        tricky.body = .text("quote \" backslash \\ newline \n tab \t bell \u{07} slash / é 🦆")
        let trickyEvent = SQSEvent(records: [
            SQSEvent.Message(tricky, queue: "words"), SQSEvent.Message(message, queue: "words"),
        ])
        #expect(try JSONDecoder().decode(SQSEvent.self, from: trickyEvent.json) == trickyEvent)

        var binary = message
        binary.body = .binary([0xFF, 0xFE])
        let binaryRecord = SQSEvent.Message(binary, queue: "words")
        #expect(binaryRecord.body == "//4=" && binaryRecord.attributes["BodyEncoding"] == "base64")
    }

    @Test("batch responses are read as Lambda reads them")
    func batchResponses() {
        let ids: Set<String> = ["a", "b", "c"]
        func outcome(_ body: String) -> BatchOutcome {
            BatchOutcome(.response(ByteBuffer(string: body)), messageIDs: ids, invocationID: "inv")
        }
        for success in ["", " \n", "null", "{}", #"{"batchItemFailures":[]}"#, #"{"batchItemFailures":null}"#, "42"] {
            #expect(outcome(success) == .succeeded, "\(success)")
        }
        #expect(
            outcome(#"{"batchItemFailures":[{"itemIdentifier":"b"}]}"#)
                == .partiallyFailed(["b"], error: "reported in batchItemFailures (invocation inv)")
        )
        for malformed in [
            "{not json", #"{"batchItemFailures":[{"itemIdentifier":"z"}]}"#, #"{"batchItemFailures":[{}]}"#,
            #"{"batchItemFailures":[{"itemIdentifier":""}]}"#, #"{"batchItemFailures":[{"itemIdentifier":null}]}"#,
            #"{"batchItemFailures":"b"}"#,
        ] {
            guard case .failed(let error) = outcome(malformed) else {
                Issue.record("\(malformed) should fail the whole batch")
                continue
            }
            #expect(error.hasPrefix("Runtime.InvalidBatchResponse") && error.hasSuffix("(invocation inv)"))
        }
        let thrown = BatchOutcome(
            .failed(.functionError(WorkerError(type: "FixtureError", message: "no"))),
            messageIDs: ids,
            invocationID: "inv"
        )
        #expect(thrown == .failed("FixtureError: no (invocation inv)"))
        #expect(
            BatchOutcome(
                .failed(.timedOut(after: .seconds(3), invocationID: "inv")),
                messageIDs: ids,
                invocationID: "inv"
            )
                == .failed("Sandbox.Timedout: Task timed out after 3.00 seconds (invocation inv)")
        )
        let throttled = InvokerError(.throttled, "busy")
        #expect(
            BatchOutcome(.failed(.rejected(throttled)), messageIDs: ids, invocationID: "inv")
                == .notRun("busy")
        )
        let failing = InvokerError(.functionFailing, "keeps failing")
        #expect(
            BatchOutcome(.failed(.rejected(failing)), messageIDs: ids, invocationID: "inv")
                == .failed("FunctionFailing: keeps failing (invocation inv)")
        )
    }
}
