import Foundation

/// The invocation's log the way Lambda writes it to CloudWatch, for the Invoke API's `X-Amz-Log-Result`:
///
/// ```text
/// START RequestId: 01a1fd58-4b05-76dc-b23f-770574c47d89 Version: $LATEST
/// …what the worker printed…
/// END RequestId: 01a1fd58-4b05-76dc-b23f-770574c47d89
/// REPORT RequestId: 01a1fd58-4b05-76dc-b23f-770574c47d89	Duration: 3.90 ms	Billed Duration: 4 ms	Memory Size: 128 MB	Max Memory Used: 20 MB	Init Duration: 13.91 ms
/// ```
///
/// The `REPORT` fields are separated (and ended) by tabs; a failure Lambda's runtime reports itself (a timeout, a
/// crash) adds its line before `END` and a `Status` to the report.
struct LogTail: Sendable {
    /// The most bytes of the log that `X-Amz-Log-Result` carries: Lambda's last 4 KB.
    static let limit = 4096

    /// The invocation id.
    var requestID: String
    /// How the invocation went.
    var execution: Execution
    /// The function's memory size, in MB.
    var memoryMB: Int

    /// The whole log, `START` to `REPORT`.
    var text: String {
        var text = "START RequestId: \(requestID) Version: \(FunctionIdentifier.latest)\n"
        if let output = execution.log, !output.isEmpty {
            text += output.hasSuffix("\n") ? output : output + "\n"
        }
        var status = ""
        if let failure = execution.outcome.failure, let line = failure.logLine {
            text += line + "\n"
            status =
                failure.status == .timeout ? "Status: timeout\t" : "Status: error\tError Type: \(failure.errorType)\t"
        }
        let milliseconds = execution.ran.milliseconds
        var report = "REPORT RequestId: \(requestID)\tDuration: \(Self.twoDecimals(milliseconds)) ms"
        report += "\tBilled Duration: \(max(1, Int(milliseconds.rounded(.up)))) ms"
        report += "\tMemory Size: \(memoryMB) MB"
        report += "\tMax Memory Used: \(((execution.maxMemoryKB ?? 0) + 1023) / 1024) MB\t"
        if let initDuration = execution.initDuration {
            report += "Init Duration: \(Self.twoDecimals(initDuration.milliseconds)) ms\t"
        }
        return text + "END RequestId: \(requestID)\n" + report + status + "\n"
    }

    /// The last ``limit`` bytes of ``text``, from a character boundary, in base64: `X-Amz-Log-Result`.
    var encoded: String {
        var bytes = Array(text.utf8).suffix(Self.limit)
        // Start at a whole UTF-8 character: skip continuation bytes (10xxxxxx) cut off from their lead byte.
        while let first = bytes.first, first & 0xC0 == 0x80 { bytes = bytes.dropFirst() }
        return Data(bytes).base64EncodedString()
    }

    private static func twoDecimals(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}
