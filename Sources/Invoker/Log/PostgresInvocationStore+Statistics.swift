import PostgresNIO

extension PostgresInvocationStore {
    /// Computed by ``InvocationStatistics/query(table:condition:)``, the query the SQLite store runs too.
    func statistics(filter: InvocationFilter) async throws -> [InvocationStatistics] {
        var bindings = PostgresBindings()
        let condition = filter.postgresCondition(binding: &bindings)
        let rows = try await rows(
            InvocationStatistics.query(table: InvocationRecord.postgresTableName, condition: condition),
            bindings
        )
        return try rows.map(InvocationStatistics.init(postgresRow:))
    }
}

extension InvocationStatistics {
    /// Reads a row of ``PostgresInvocationStore/statistics(filter:)``'s query, whose columns are named like the
    /// coding keys, and works out the rates.
    init(postgresRow row: PostgresRow) throws {
        typealias Keys = CodingKeys
        let cells = row.makeRandomAccess()
        func count(_ key: Keys) throws -> Int { Int(try cells[key.rawValue].decode(Int64.self)) }
        func milliseconds(_ key: Keys) throws -> Double? { try cells[key.rawValue].decode(Double?.self) }
        let invocations = try count(.invocations)
        let errors = try count(.errors)
        let coldStarts = try count(.coldStarts)
        self.init(
            function: try cells[Keys.function.rawValue].decode(String.self),
            invocations: invocations,
            errors: errors,
            errorRate: Double(errors) / Double(max(invocations, 1)),
            timeouts: try count(.timeouts),
            crashes: try count(.crashes),
            throttles: try count(.throttles),
            coldStarts: coldStarts,
            coldStartShare: Double(coldStarts) / Double(max(invocations, 1)),
            durationP50Ms: try milliseconds(.durationP50Ms),
            durationP95Ms: try milliseconds(.durationP95Ms),
            durationP99Ms: try milliseconds(.durationP99Ms),
            initDurationP50Ms: try milliseconds(.initDurationP50Ms),
            waitP50Ms: try milliseconds(.waitP50Ms)
        )
    }
}
