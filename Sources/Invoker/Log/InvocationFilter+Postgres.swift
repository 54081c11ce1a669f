import PostgresNIO

extension InvocationFilter {
    /// The condition a row of `log_invocations` must meet to match the filter, as SQL whose values are the next
    /// parameters of `bindings` (appended to it): `TRUE` for an empty filter. It means what ``condition`` means in
    /// SQLite.
    func postgresCondition(binding bindings: inout PostgresBindings) -> String {
        typealias Columns = InvocationRecord.Columns
        func parameter(_ value: some PostgresDynamicTypeEncodable) -> String {
            bindings.append(value)
            return "$\(bindings.count)"
        }
        var conditions: [String] = []
        if let function {
            conditions.append("\(Columns.function.rawValue) = \(parameter(function))")
        }
        if !statuses.isEmpty {
            let names = statuses.map(\.rawValue).sorted()
            conditions.append("\(Columns.status.rawValue) = ANY(\(parameter(names))::TEXT[])")
        }
        if let trigger {
            conditions.append("\(Columns.trigger.rawValue) = \(parameter(trigger.rawValue))")
        }
        if let since {
            conditions.append("\(Columns.startedAt.rawValue) >= \(parameter(EpochTime.ms(since)))")
        }
        if let until {
            conditions.append("\(Columns.startedAt.rawValue) < \(parameter(EpochTime.ms(until)))")
        }
        return conditions.isEmpty ? "TRUE" : conditions.joined(separator: " AND ")
    }
}
