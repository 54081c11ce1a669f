extension Logs {
    /// Writes the newest ``limit`` matching invocations oldest first, then, batch by batch, each matching invocation
    /// as it is recorded, until the task is cancelled; `write` gets one or more whole lines at a time, without the
    /// final newline.
    ///
    /// As a table, the header comes first even when nothing matches yet, and later rows line up with earlier ones; as
    /// JSON, one object per line (NDJSON). The log is read every ``InvocationFeed/defaultInterval`` while it is quiet.
    func stream(
        from store: some InvocationStore,
        formatter: InvocationFormatter,
        write: (String) -> Void
    ) async throws {
        let (current, feed) = try await store.follow(filter: filter, limit: limit)
        // The NODE column is there from the start when the newest records already come from several nodes.
        var widths =
            InvocationFormatter.streamingTableWidths + (InvocationFormatter.showsNodes(current) ? [24] : [])
        func lines(_ records: [InvocationRecord], header: Bool) throws -> [String] {
            json ? try records.map(formatter.json) : formatter.tableLines(records, header: header, widths: &widths)
        }
        let first = try lines(current.reversed(), header: !json)
        if !first.isEmpty {
            write(first.joined(separator: "\n"))
        }
        for try await records in feed {
            write(try lines(records, header: false).joined(separator: "\n"))
        }
    }
}
