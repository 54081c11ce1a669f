import GRDB

extension InvocationStatistics {
    /// Reads a row of ``InvocationStore/statistics(filter:)``'s query, whose columns are named like the coding keys,
    /// and works out the rates.
    init(row: Row) {
        typealias Keys = CodingKeys
        let invocations: Int = row[Keys.invocations.rawValue]
        let errors: Int = row[Keys.errors.rawValue]
        let coldStarts: Int = row[Keys.coldStarts.rawValue]
        self.init(
            function: row[Keys.function.rawValue],
            invocations: invocations,
            errors: errors,
            errorRate: Double(errors) / Double(max(invocations, 1)),
            timeouts: row[Keys.timeouts.rawValue],
            crashes: row[Keys.crashes.rawValue],
            throttles: row[Keys.throttles.rawValue],
            coldStarts: coldStarts,
            coldStartShare: Double(coldStarts) / Double(max(invocations, 1)),
            durationP50Ms: row[Keys.durationP50Ms.rawValue],
            durationP95Ms: row[Keys.durationP95Ms.rawValue],
            durationP99Ms: row[Keys.durationP99Ms.rawValue],
            initDurationP50Ms: row[Keys.initDurationP50Ms.rawValue],
            waitP50Ms: row[Keys.waitP50Ms.rawValue]
        )
    }
}
