extension InvocationFormatter {
    /// The records as a table with a header line, one line per record, columns aligned.
    ///
    /// Columns: TIME (start, local), ID, FUNCTION, TRIGGER, STATUS, DURATION (right-aligned), COLD (`*` for a cold
    /// start).
    func table(_ records: [InvocationRecord]) -> String {
        let header = ["TIME", "ID", "FUNCTION", "TRIGGER", "STATUS", "DURATION", "COLD"]
        let durationColumn = 5
        let rows = records.map { record in
            [
                time(record.startedAt), record.id, record.function, record.trigger.rawValue, record.status.rawValue,
                milliseconds(record.durationMs) + " ms", record.cold ? "*" : "",
            ]
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        return ([header] + rows).map { cells in
            let padded = cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == durationColumn ? padding + cell : cell + padding
            }
            var line = padded.joined(separator: "  ")
            while line.last == " " {
                line.removeLast()
            }
            return line
        }
        .joined(separator: "\n")
    }
}
