import PostgresNIO

extension InvocationRecord {
    /// The table of the invocation log in PostgreSQL (migration 2 of ``PostgresSchema``).
    static let postgresTableName = "log_invocations"

    /// The record's columns, in the order of ``Columns``, for a `SELECT` that ``init(postgresRow:)`` reads.
    static let postgresColumnList = Columns.allCases.map(\.rawValue).joined(separator: ", ")

    /// Decodes a row that has the record's columns (``postgresColumnList``), found by name.
    init(postgresRow row: PostgresRow) throws {
        let cells = row.makeRandomAccess()
        func value<Value: PostgresDecodable>(_ column: Columns, as type: Value.Type = Value.self) throws -> Value {
            try cells[column.rawValue].decode(Value.self)
        }
        let triggerName: String = try value(.trigger)
        let statusName: String = try value(.status)
        guard let trigger = Trigger(rawValue: triggerName), let status = Status(rawValue: statusName) else {
            throw InvocationLogError(
                code: .notAnInvocationLog,
                message: "the invocation record \(try value(.id, as: String.self)) has the trigger '\(triggerName)'"
                    + " and the status '\(statusName)', which this invoker does not know: upgrade the invoker"
            )
        }
        self.init(
            id: try value(.id),
            function: try value(.function),
            trigger: trigger,
            startedAt: EpochTime.date(epochMs: try value(.startedAt)),
            endedAt: EpochTime.date(epochMs: try value(.endedAt)),
            durationMs: try value(.durationMs),
            initDurationMs: try value(.initDurationMs),
            waitMs: try value(.waitMs),
            cold: try value(.cold),
            status: status,
            httpStatus: try value(.httpStatus, as: Int64?.self).map(Int.init),
            errorType: try value(.errorType),
            errorMessage: try value(.errorMessage),
            requestBytes: Int(try value(.requestBytes, as: Int64.self)),
            responseBytes: Int(try value(.responseBytes, as: Int64.self)),
            workerPid: try value(.workerPid, as: Int64?.self).map { Int32(truncatingIfNeeded: $0) },
            maxMemoryKB: try value(.maxMemoryKB, as: Int64?.self).map(Int.init),
            queueMessageId: try value(.queueMessageId),
            attempt: try value(.attempt, as: Int64?.self).map(Int.init),
            log: try value(.log),
            caller: try value(.caller),
            node: try value(.node),
            generation: try value(.generation),
            scheduledAt: try value(.scheduledAt, as: Int64?.self).map(EpochTime.date(epochMs:))
        )
    }
}
