extension InvocationFormatter {
    /// The table's column names; ``nodeHeader`` follows them when the records come from several nodes.
    static let tableHeader = ["TIME", "ID", "FUNCTION", "TRIGGER", "STATUS", "DURATION", "COLD"]

    /// The name of the column that says which node ran an invocation.
    static let nodeHeader = "NODE"

    /// Column widths that fit every status and durations up to 99999.9 ms, for a table whose rows arrive over time
    /// (`invoker logs --follow`); columns still widen for a longer value.
    static let streamingTableWidths = [23, 36, 8, 7, 9, 10, 4]

    /// Whether a table of `records` has a NODE column: only when they come from more than one node, since one
    /// invoker on its own (or a cluster's single node) would repeat one name on every line.
    static func showsNodes(_ records: [InvocationRecord]) -> Bool {
        Set(records.map(\.node)).count > 1
    }

    /// The records as a table with a header line, one line per record, columns aligned.
    ///
    /// Columns: TIME (start, local), ID, FUNCTION, TRIGGER, STATUS (coloured when the formatter uses colours),
    /// DURATION (right-aligned), COLD (`*` for a cold start), and NODE when the records come from several nodes
    /// (``showsNodes(_:)``).
    func table(_ records: [InvocationRecord]) -> String {
        let nodes = Self.showsNodes(records)
        var widths = Self.tableHeader.map { _ in 0 } + (nodes ? [0] : [])
        return tableLines(records, header: true, widths: &widths).joined(separator: "\n")
    }

    /// The lines of ``table(_:)`` for `records`, with the header line first when `header` is true, after widening
    /// `widths` to fit them: called again with the same widths, later lines line up with earlier ones. There is a
    /// NODE column when `widths` has one more width than ``tableHeader`` has names.
    func tableLines(_ records: [InvocationRecord], header: Bool, widths: inout [Int]) -> [String] {
        let durationColumn = 5
        let statusColumn = 4
        let nodes = widths.count > Self.tableHeader.count
        let rows = records.map { record in
            [
                time(record.startedAt), record.id, record.function, record.trigger.rawValue, record.status.rawValue,
                milliseconds(record.durationMs) + " ms", record.cold ? "*" : "",
            ] + (nodes ? [record.node ?? "-"] : [])
        }
        let names = Self.tableHeader + (nodes ? [Self.nodeHeader] : [])
        let lines: [(cells: [String], status: InvocationRecord.Status?)] =
            (header ? [(names, nil)] : []) + zip(rows, records.map(\.status)).map { ($0, $1) }
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
