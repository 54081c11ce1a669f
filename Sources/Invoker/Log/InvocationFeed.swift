/// The invocation records that match a filter, as they are written: an endless sequence of batches, in the order
/// they were written, read by polling the database.
///
/// The iterator reads the rows written since its last read, waits `interval` when there were none (or fewer than a
/// full batch), and reads again: no busy loop, and at most one query per interval while the log is quiet. It ends
/// (returns nil) when its task is cancelled. Make one with ``InvocationStore/follow(filter:limit:interval:)``.
///
/// ```swift
/// for try await records in feed {
///     print(records.map(\.id))
/// }
/// ```
struct InvocationFeed: AsyncSequence, Sendable {
    /// How long the iterator waits between reads when it has caught up, unless told otherwise.
    static let defaultInterval: Duration = .milliseconds(200)
    /// The most records in one batch.
    static let batchLimit = 1_000

    /// Records in the order they were written, and the position after them: where the next read starts.
    typealias Page = (records: [InvocationRecord], position: Int64)

    /// The log.
    let store: any InvocationStore
    /// Which records the feed yields.
    let filter: InvocationFilter
    /// Where the feed starts: only records written after this position are yielded.
    let position: Int64
    /// How long to wait between reads once caught up.
    let interval: Duration

    /// Makes an iterator that starts at ``position``.
    func makeAsyncIterator() -> Iterator {
        Iterator(feed: self, position: position)
    }

    /// Reads the feed's records batch by batch.
    struct Iterator: AsyncIteratorProtocol {
        /// The feed being read.
        let feed: InvocationFeed
        /// Where the next read starts.
        var position: Int64
        /// Whether the last read caught up with the writer, so the next one waits first.
        private var caughtUp = true

        /// Creates an iterator that reads `feed` from `position`.
        init(feed: InvocationFeed, position: Int64) {
            self.feed = feed
            self.position = position
        }

        /// Returns the next non-empty batch of records, waiting as long as it takes; nil once the task is
        /// cancelled.
        mutating func next() async throws -> [InvocationRecord]? {
            while !Task.isCancelled {
                if caughtUp {
                    do {
                        try await Task.sleep(for: feed.interval)
                    } catch {
                        return nil
                    }
                }
                let batch: Page
                do {
                    batch = try await feed.store.records(
                        matching: feed.filter,
                        writtenAfter: position,
                        limit: InvocationFeed.batchLimit
                    )
                } catch {
                    if Task.isCancelled {
                        return nil
                    }
                    throw error
                }
                position = batch.position
                caughtUp = batch.records.count < InvocationFeed.batchLimit
                if !batch.records.isEmpty {
                    return batch.records
                }
            }
            return nil
        }
    }
}
