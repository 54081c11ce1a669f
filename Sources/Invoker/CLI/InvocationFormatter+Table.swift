extension InvocationFormatter {
    /// The table's column names.
    static let tableHeader = ["TIME", "ID", "FUNCTION", "TRIGGER", "STATUS", "DURATION", "COLD"]

    /// Column widths that fit every status and durations up to 99999.9 ms, for a table whose rows arrive over time
    /// (`invoker logs --follow`); columns still widen for a longer value.
    static let streamingTableWidths = [23, 36, 8, 7, 9, 10, 4]

    /// The records as a table with a header line, one line per record, columns aligned.
    ///
    /// Columns: TIME (start, local), ID, FUNCTION, TRIGGER, STATUS (coloured when the formatter uses colours),
    /// DURATION (right-aligned), COLD (`*` for a cold start).
    func table(_ records: [InvocationRecord]) -> String {
        var widths = Self.tableHeader.map { _ in 0 }
        return tableLines(records, header: true, widths: &widths).joined(separator: "\n")
    }

    /// The lines of ``table(_:)`` for `records`, with the header line first when `header` is true, after widening
    /// `widths` to fit them: called again with the same widths, later lines line up with earlier ones.
    func tableLines(_ records: [InvocationRecord], header: Bool, widths: inout [Int]) -> [String] {
        let durationColumn = 5
        let statusColumn = 4
        let rows = records.map { record in
            [
                time(record.startedAt), record.id, record.function, record.trigger.rawValue, record.status.rawValue,
                milliseconds(record.durationMs) + " ms", record.cold ? "*" : "",
            ]
        }
        let lines: [(cells: [String], status: InvocationRecord.Status?)] =
            (header ? [(Self.tableHeader, nil)] : []) + zip(rows, records.map(\.status)).map { ($0, $1) }
        for (cells, _) in lines {
            widths = zip(widths, cells).map { width, cell in max(width, cell.count) }
        }
        return lines.map { cells, status in
            let padded = cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                if column == durationColumn {
                    return padding + cell
                }
                guard column == statusColumn, let status else { return cell + padding }
                return colored(cell, as: status) + padding
            }
            var line = padded.joined(separator: "  ")
            while line.last == " " {
                line.removeLast()
            }
            return line
        }
    }
}
