import Foundation
import NIOCore
import NIOFoundationCompat

/// What an invocation means for the messages it delivered, decided exactly as Lambda's SQS event source decides it
/// with `ReportBatchItemFailures`.
///
/// A response that is empty, not a JSON object, or an object whose `batchItemFailures` is absent, null or empty means
/// every message succeeded. A list of `{"itemIdentifier": messageId}` fails those messages only. A thrown error, a
/// timeout, a crash, a response that is not JSON, or a malformed list (an item without a string `itemIdentifier`, or
/// one that names no message of the batch) fails the whole batch. An invocation the pool turned away never ran.
enum BatchOutcome: Equatable, Sendable {
    /// Every message succeeded.
    case succeeded
    /// The function reported these messages as failed (`error` says so); the others succeeded.
    case partiallyFailed(Set<String>, error: String)
    /// Every message failed, with this error.
    case failed(String)
    /// The invocation never ran (the pool throttled it or is shutting down): the messages were not delivered.
    case notRun(String)

    /// The outcome of the invocation `invocationID` of a batch of the messages `messageIDs` that ended as `outcome`.
    init(_ outcome: Execution.Outcome, messageIDs: Set<String>, invocationID: String) {
        guard let failure = outcome.failure else {
            self = Self.parse(outcome.responseJSON ?? ByteBuffer(), messageIDs: messageIDs, invocationID: invocationID)
            return
        }
        guard failure.ran else {
            self = .notRun(failure.message)
            return
        }
        self = .failed("\(failure.errorType): \(failure.message) (invocation \(invocationID))")
    }

    /// Responses that say every message succeeded, byte for byte as functions usually write them.
    private static let successes = [#"{"batchItemFailures":[]}"#, "{}", "null"].map { Array($0.utf8) }

    /// The outcome a batch response `body` reports for the messages `messageIDs`.
    static func parse(_ body: ByteBuffer, messageIDs: Set<String>, invocationID: String) -> BatchOutcome {
        // The usual answers, recognised without parsing.
        let bytes = body.readableBytesView
        if bytes.allSatisfy({ [0x20, 0x0A, 0x0D, 0x09].contains($0) })
            || Self.successes.contains(where: bytes.elementsEqual)
        {
            return .succeeded
        }
        func malformed(_ problem: String) -> BatchOutcome {
            .failed("Runtime.InvalidBatchResponse: \(problem) (invocation \(invocationID))")
        }
        guard let response = try? JSONDecoder().decode(JSONValue.self, from: body) else {
            return malformed("the function's response is not valid JSON")
        }
        guard case .object(let members) = response, let failures = members["batchItemFailures"] else {
            return .succeeded
        }
        switch failures {
        case .null:
            return .succeeded
        case .array(let items):
            var failed = Set<String>()
            for (index, item) in items.enumerated() {
                guard case .object(let fields) = item, case .string(let id)? = fields["itemIdentifier"], !id.isEmpty
                else {
                    return malformed("batchItemFailures[\(index)] has no itemIdentifier string")
                }
                guard messageIDs.contains(id) else {
                    return malformed("batchItemFailures[\(index)] names \"\(id)\", which is not a message of the batch")
                }
                failed.insert(id)
            }
            return failed.isEmpty
                ? .succeeded
                : .partiallyFailed(failed, error: "reported in batchItemFailures (invocation \(invocationID))")
        default:
            return malformed("batchItemFailures is \(failures.description), not a list")
        }
    }
}
