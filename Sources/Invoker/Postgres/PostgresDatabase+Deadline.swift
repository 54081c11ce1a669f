import PostgresNIO

extension PostgresDatabase {
    /// Runs `body` with the pool, and throws a ``SharedDatabaseError`` naming the database when it does not answer
    /// within `timeout`: the pool waits for a connection as long as the database is down, and a caller that runs on a
    /// schedule must not wait that long. Errors of `body` pass through.
    func withClient<Value: Sendable>(
        within timeout: Duration,
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
