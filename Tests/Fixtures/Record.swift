import Runtime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A queue consumer that leaves a trace: for each message of a batch it appends the line
/// `body<TAB>receiveCount<TAB>start` (start: when the batch began, in microseconds since the Unix epoch) to the file
/// named by `RECORD_FILE`, with one write per batch. A body starting with `fail-once` is reported failed on its first
/// delivery, `fail-always` on every delivery; a batch with a body `throw` throws. `SLEEP_MS` makes each batch last that
/// long.
struct Record: QueueHandler {
    func handle(_ event: SQSEvent, context: Context) async throws -> SQSBatchResponse {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let start = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
        var lines = ""
        var failed: [String] = []
        for message in event.records {
            lines += "\(message.body)\t\(message.receiveCount ?? 0)\t\(start)\n"
            if message.body.hasPrefix("fail-always")
                || (message.body.hasPrefix("fail-once") && message.receiveCount == 1)
            {
                failed.append(message.messageId)
            }
        }
        if let path = getenv("RECORD_FILE").map({ String(cString: $0) }) {
            let file = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
            guard file >= 0 else { throw FixtureError(description: "cannot open \(path)") }
            defer { close(file) }
            var bytes = Array(lines.utf8)
            var written = 0
            while written < bytes.count {
                let result = bytes.withUnsafeMutableBytes { write(file, $0.baseAddress! + written, $0.count - written) }
                guard result > 0 else { throw FixtureError(description: "cannot write \(path)") }
                written += result
            }
        }
        if let sleep = getenv("SLEEP_MS").flatMap({ Int(String(cString: $0)) }) {
            try await Task.sleep(for: .milliseconds(sleep))
        }
        if event.records.contains(where: { $0.body == "throw" }) {
            throw FixtureError(description: "the batch has a message \"throw\"")
        }
        return SQSBatchResponse(failedMessageIDs: failed)
    }
}
