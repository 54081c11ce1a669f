import Foundation
import Logging

extension InvocationLog {
    /// Deletes the records of invocations that started before `cutoff`, then every record but the newest
    /// `keepingNewest`, and returns how many records it deleted; nil for either leaves that rule out.
    ///
    /// Records are deleted oldest first in chunks of ``Configuration/retentionChunkSize``, each chunk a short
    /// transaction of its own, so batches of new records are written between chunks instead of waiting for the whole
    /// pass. "Newest" is by id, the order `invoker logs` lists. The records to keep are counted once, by a read beside
    /// the writer, so records written while the pass runs are kept on top of them. `invoker prune` calls this; the
    /// writer calls it every ``Configuration/retentionInterval`` with the configured retention. Throws an
    /// ``InvocationLogError`` with code `invalidRetention` for a negative count.
    ///
    /// ```swift
    /// let deleted = try await log.prune(olderThan: Date().addingTimeInterval(-7 * 86_400), keepingNewest: 10_000)
    /// ```
    func prune(olderThan cutoff: Date?, keepingNewest count: Int?) async throws -> Int {
        if let count {
            try Self.checkRetained(rows: count)
        }
        let chunkSize = max(configuration.retentionChunkSize, 1)
        var deleted = 0
        if let cutoff {
            deleted += try await deleteInChunks(chunkSize) { [sink] in
                try await sink.deleteRecords(startedBefore: EpochTime.ms(cutoff), limit: $0)
            }
        }
        // The newest record beyond the ones to keep: it and every older one go.
        if let count, let boundary = try await sink.newestRecordID(beyondNewest: count) {
            deleted += try await deleteInChunks(chunkSize) { [sink] in
                try await sink.deleteRecords(throughID: boundary, limit: $0)
            }
        }
        return deleted
    }

    /// Enforces the configured retention every ``Configuration/retentionInterval`` until the task is cancelled;
    /// returns at once when nothing is to be pruned.
    ///
    /// A failed pass is reported and tried again an interval later.
    func enforceRetention() async {
        let days = configuration.retainDays
        let rows = configuration.retainRows
        guard days != nil || rows != nil else { return }
        while true {
            do {
                try await Task.sleep(for: configuration.retentionInterval)
            } catch {
                return
            }
            let cutoff = days.map { Date().addingTimeInterval(-Double($0) * 86_400) }
            do {
                let deleted = try await prune(olderThan: cutoff, keepingNewest: rows)
                if deleted > 0 {
                    var logger = logger
                    logger[metadataKey: LogKey.logPruned] = "\(deleted)"
                    logger.debug("Invocation records pruned")
                }
            } catch {
                if Task.isCancelled {
                    return
                }
                logger.warning("Pruning the invocation log failed; trying again later", error: error)
            }
        }
    }

    /// Throws unless `rows` is a number of records that can be kept: 0 or more.
    static func checkRetained(rows: Int) throws {
        guard rows >= 0 else {
            throw InvocationLogError(
                code: .invalidRetention,
                message: "the number of invocation records to keep must be 0 or more, not \(rows)"
            )
        }
    }

    /// Runs `deleteChunk` with `chunkSize` until a chunk deletes fewer records than that; returns how many it deleted.
    private func deleteInChunks(_ chunkSize: Int, _ deleteChunk: (Int) async throws -> Int) async throws -> Int {
        var deleted = 0
        while true {
            let chunk = try await deleteChunk(chunkSize)
            deleted += chunk
            if chunk < chunkSize {
                return deleted
            }
        }
    }
}
