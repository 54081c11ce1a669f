import Logging
import ServiceLifecycle
import Synchronization

extension InvocationLog {
    /// Writes appended records until graceful shutdown or cancellation, then writes everything still buffered and
    /// returns. Call it once (a `ServiceGroup` does).
    ///
    /// Records gather for `batchWindow` after a wake-up; each batch of up to `maximumBatchSize` records is one transaction of the sink, which cancellation does not
    /// interrupt. A failed write is reported and retried with a doubling delay;
    /// once shutdown has begun a batch gets `attemptsOnShutdown` attempts before its records are reported lost.
    /// Beside the writer, a child task enforces the retention (``enforceRetention()``); its deletions take turns with
    /// the batches on the writer queue, chunk by chunk, and it stops once the buffer is written.
    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.enforceRetention() }
            for await _ in wakeUps.cancelOnGracefulShutdown() {
                // A cancelled sleep ends at once: at shutdown the buffer is written without waiting.
                try? await Task.sleep(for: configuration.batchWindow)
                await writeBuffered(stopIfEmpty: false)
            }
            await writeBuffered(stopIfEmpty: true)
            group.cancelAll()
        }
    }

    /// Writes batches until the buffer is empty; with `stopIfEmpty`, stops the writer for good once it is.
    private func writeBuffered(stopIfEmpty: Bool) async {
        while true {
            let records = state.withLock { $0.takeBuffer(stopIfEmpty: stopIfEmpty) }
            if records.isEmpty {
                return
            }
            var start = records.startIndex
            while start < records.endIndex {
                let end = min(start + configuration.maximumBatchSize, records.endIndex)
                await commit(records[start..<end])
                start = end
            }
            reportDrops()
        }
    }

    /// Writes one batch, retrying on failure; settles its records as committed or, during shutdown, lost.
    private func commit(_ batch: ArraySlice<InvocationRecord>) async {
        var logger = logger
        logger[metadataKey: LogKey.logRecords] = "\(batch.count)"
        var delay = configuration.initialRetryDelay
        var attempt = 1
        var attemptsWhileStopping = 0
        while true {
            let failure: any Error
            do {
                let ignored = try await sink.insert(batch)
                if ignored > 0 {
                    logger[metadataKey: LogKey.logDuplicates] = "\(ignored)"
                    logger.warning("Invocation records ignored: their ids are already in the log")
                }
                resume(state.withLock { $0.settle(batch.count) })
                return
            } catch {
                failure = error
            }
            logger[metadataKey: LogKey.logAttempt] = "\(attempt)"
            if Task.isCancelled || Task.isShuttingDownGracefully {
                attemptsWhileStopping += 1
                if attemptsWhileStopping >= configuration.attemptsOnShutdown {
                    return giveUp(batch, after: failure, logger: logger)
                }
            }
            logger.error("Writing invocation records failed; retrying", error: failure)
            reportDrops()
            // A cancelled task does not sleep: retries during cancellation follow one another.
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, configuration.maximumRetryDelay)
            attempt += 1
        }
    }

    /// Settles a batch that could not be written during shutdown as lost, and reports it.
    private func giveUp(_ batch: ArraySlice<InvocationRecord>, after failure: any Error, logger: Logger) {
        logger.error("Invocation records lost: writing them failed during shutdown", error: failure)
        let lost = InvocationLogError(
            code: .recordsLost,
            message: "invocation records could not be written to '\(sink.location)' during shutdown: \(failure)"
        )
        resume(state.withLock { $0.settle(batch.count, failure: lost) })
    }

    /// Reports the records dropped because the buffer was full, if any were since the last report.
    private func reportDrops() {
        let drops = state.withLock { $0.takeUnreportedDrops() }
        guard drops > 0 else { return }
        var logger = logger
        logger[metadataKey: LogKey.logDropped] = "\(drops)"
        logger[metadataKey: LogKey.logCapacity] = "\(configuration.bufferCapacity)"
        logger.warning("Invocation records dropped: the buffer was full")
    }

    /// Resumes the flush waiters whose records settled.
    private func resume(_ resumptions: [State.Resumption]) {
        for resumption in resumptions {
            resumption.continuation.resume(with: resumption.result)
        }
    }
}
