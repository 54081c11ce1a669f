import Foundation

extension InvocationFormatter {
    /// The statistics as a table, one line per function, numbers right-aligned, then a line that explains the
    /// duration columns.
    ///
    /// Columns: FUNCTION, INVOCATIONS, ERRORS, ERROR RATE, TIMEOUTS, CRASHES, THROTTLES, COLD (the cold-start share),
    /// P50, P95, P99 (duration), INIT P50, WAIT P50, in milliseconds; `-` where there was nothing to measure.
    func table(_ statistics: [InvocationStatistics]) -> String {
        let header = [
            "FUNCTION", "INVOCATIONS", "ERRORS", "ERROR RATE", "TIMEOUTS", "CRASHES", "THROTTLES", "COLD", "P50", "P95",
            "P99", "INIT P50", "WAIT P50",
        ]
        let rows = statistics.map { statistics in
            [
                statistics.function, String(statistics.invocations), String(statistics.errors),
                percent(statistics.errorRate), String(statistics.timeouts), String(statistics.crashes),
                String(statistics.throttles), percent(statistics.coldStartShare),
            ]
                + [
                    statistics.durationP50Ms, statistics.durationP95Ms, statistics.durationP99Ms,
                    statistics.initDurationP50Ms, statistics.waitP50Ms,
                ].map { $0.map(milliseconds) ?? "-" }
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        let lines = ([header] + rows).map { cells in
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }
            .joined(separator: "  ")
        }
        let legend =
            "Milliseconds; nearest-rank percentiles of the duration, the cold-start init and the wait for a worker."
        return (lines + ["", legend]).joined(separator: "\n")
    }

    /// The statistics as one line of JSON: snake_case keys in alphabetical order, rates from 0 to 1, durations in
    /// milliseconds, absent values left out.
    func json(_ statistics: InvocationStatistics) throws -> String {
        String(decoding: try encoder.encode(statistics), as: UTF8.self)
    }

    /// A share from 0 to 1 as a percentage with one decimal.
    private func percent(_ share: Double) -> String {
        String(format: "%.1f%%", share * 100)
    }
}
