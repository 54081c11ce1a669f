import GRDB

extension InvocationFilter {
    /// The records this filter matches, newest first.
    ///
    /// A filter on the function, status or trigger walks that column's `(column, id)` index newest first.
    var request: QueryInterfaceRequest<InvocationRecord> {
        typealias Columns = InvocationRecord.CodingKeys
        var request = InvocationRecord.order(Column(Columns.id).desc)
        if let function {
            request = request.filter(Column(Columns.function) == function)
        }
        if !statuses.isEmpty {
            request = request.filter(statuses.contains(Column(Columns.status)))
        }
        if let trigger {
            request = request.filter(Column(Columns.trigger) == trigger)
        }
        if let since {
            request = request.filter(Column(Columns.startedAt) >= InvocationRecord.milliseconds(since))
        }
        if let until {
            request = request.filter(Column(Columns.startedAt) < InvocationRecord.milliseconds(until))
        }
        return request
    }
}
