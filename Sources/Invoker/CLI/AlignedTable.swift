import Foundation

/// The CLI's tables: columns padded to their widest cell and separated by two spaces, the last column unpadded.
enum AlignedTable {
    /// `header` and `rows` as lines of aligned columns, joined by newlines, without a final newline.
    static func text(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
