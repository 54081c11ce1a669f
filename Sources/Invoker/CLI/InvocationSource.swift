/// Where `invoker logs` reads invocation records: the log itself (an ``InvocationStore``), or a running invoker's
/// admin API.
protocol InvocationSource: Sendable {
    /// The newest records that match `filter`, at most `limit`, newest first.
    func list(filter: InvocationFilter, limit: Int) async throws -> [InvocationRecord]
    /// The record whose id is `idOrPrefix` or starts with it (a prefix must match one record).
    func record(idOrPrefix: String) async throws -> InvocationRecord
}
