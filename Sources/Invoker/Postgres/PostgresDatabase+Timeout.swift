import PostgresNIO

extension PostgresDatabase {
    /// Runs `body` with the connection pool, and throws a ``SharedDatabaseError`` (`unreachable`) naming the database
    /// when it does not finish within `timeout`: the pool waits for a connection as long as the database is down, and
    /// neither a request nor a caller on a schedule may wait that long. Errors of `body` pass through.
    func withClient<Value: Sendable>(
        timeout: Duration,
        _ body: @escaping @Sendable (PostgresClient) async throws -> Value
    ) async throws -> Value {
        let client = self.client
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await body(client) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let value = try await group.next() ?? nil else {
                throw SharedDatabaseError(.unreachable, "the database \(url.location) did not answer within \(timeout)")
            }
            return value
        }
    }
}
