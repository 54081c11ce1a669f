import GRDB

extension InvocationFilter {
    /// The records this filter matches, newest first.
    ///
    /// A filter on the function, status or trigger walks that column's `(column, id)` index newest first; a filter
    /// on time alone walks the primary key newest first and stops at the limit.
    var request: QueryInterfaceRequest<InvocationRecord> {
        conditions.reduce(InvocationRecord.all()) { request, condition in request.filter(condition) }
            .order(InvocationRecord.Columns.id.desc)
    }

    /// The condition a row must meet to match the filter, for SQL written by hand: `1` (true) for an empty filter.
    var condition: SQLExpression {
        conditions.joined(operator: .and)
    }

    /// One condition per criterion that is set.
    private var conditions: [SQLExpression] {
        typealias Columns = InvocationRecord.Columns
        var conditions: [SQLExpression] = []
        if let function {
            conditions.append(Columns.function == function)
        }
        if !statuses.isEmpty {
            conditions.append(statuses.contains(Columns.status))
        }
        if let trigger {
            conditions.append(Columns.trigger == trigger)
        }
        if let since {
            conditions.append(Columns.startedAt >= EpochTime.ms(since))
        }
        if let until {
            conditions.append(Columns.startedAt < EpochTime.ms(until))
        }
        return conditions
    }
}
