import Foundation

extension InvocationFormatter {
    /// Every field of the record as an aligned `key: value` line (`-` for none; the status coloured when the formatter
    /// uses colours), then the captured log.
    func detail(_ record: InvocationRecord) -> String {
        let fields = InvocationRecord.CodingKeys.allCases.filter { $0 != .log }.map { key in
            (key.rawValue + ":", value(of: key, in: record) ?? "-")
        }
        let width = fields.map(\.0.count).max() ?? 0
        let lines = fields.map { name, value in
            name.padding(toLength: width + 1, withPad: " ", startingAt: 0) + value
        }
        let log = record.log.map { "log:\n" + $0 } ?? "log: -"
        return (lines + [log]).joined(separator: "\n")
    }

    /// The text of one field, or nil if the record has no value for it.
    private func value(of key: InvocationRecord.CodingKeys, in record: InvocationRecord) -> String? {
        switch key {
        case .id: record.id
        case .function: record.function
        case .trigger: record.trigger.rawValue
        case .startedAt: time(record.startedAt)
        case .endedAt: time(record.endedAt)
        case .durationMs: milliseconds(record.durationMs)
        case .initDurationMs: record.initDurationMs.map(milliseconds)
        case .waitMs: milliseconds(record.waitMs)
        case .cold: String(record.cold)
        case .status: colored(record.status.rawValue, as: record.status)
        case .httpStatus: record.httpStatus.map(String.init)
        case .errorType: record.errorType
        case .errorMessage: record.errorMessage
        case .requestBytes: String(record.requestBytes)
        case .responseBytes: String(record.responseBytes)
        case .workerPid: record.workerPid.map(String.init)
        case .maxMemoryKB: record.maxMemoryKB.map(String.init)
        case .queueMessageId: record.queueMessageId
        case .attempt: record.attempt.map(String.init)
        case .log: record.log
        case .caller: record.caller
        case .node: record.node
        case .generation: record.generation
        case .scheduledAt: record.scheduledAt.map(time)
        }
    }
}
