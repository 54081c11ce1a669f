import Logging
import ServiceLifecycle
import Synchronization

/// Delivers one queue's messages to the function that consumes it: leases batches, invokes the function through the
/// ``Dispatcher`` with each, and acknowledges, fails or releases the messages by the outcome.
///
/// Up to ``Settings/concurrency`` batches run at once (the function's `scaling.max`): while messages are visible the
/// consumer keeps that many invocations in flight, so the pool's demand, and with it the worker count, follows the
/// backlog; with an empty queue it leases nothing and the pool scales down. An idle consumer waits at the store's
/// ``Doorbell``, which enqueues in this process and the ``VisibilityWatcher`` ring.
///
/// On graceful shutdown it leases no more and returns once its batches are settled; ``QueueConsumers`` runs every
/// consumer, after the worker pools in the service group, so that they shut down before the pools.
///
/// ```swift
/// let consumer = QueueConsumer(definition: words, settings: .init(trigger: trigger, function: function), ...)
/// await consumer.run()
/// ```
final class QueueConsumer: Sendable {
    /// The longest an idle consumer waits at its doorbell before it looks at the queue again, in case a ring was
    /// lost (the ``VisibilityWatcher`` rings due queues every second, so none should be).
    static let idleWait: Duration = .seconds(30)
    /// How long a batch that the pool turned away (throttled) waits before it is delivered again.
    static let throttleDelay: Duration = .seconds(1)

    /// The queue and the function that consumes it.
    let definition: QueueDefinition
    /// How batches are made and retried, as the last reload set them.
    var settings: Settings { control.withLock { $0.settings } }
    /// Where the messages are.
    let store: any QueueStore
    /// Runs and records the invocations.
    let dispatcher: Dispatcher
    /// Where the results of asynchronous invocations go, for their callbacks.
    let callbacks: CallbackSender?
    /// The consumer's logger.
    let logger: Logger
    /// The settings, and whether a reload stopped the consumer.
    private let control: Mutex<(settings: Settings, stopped: Bool)>

    /// Creates the consumer of `definition`'s queue.
    init(
        definition: QueueDefinition,
        settings: Settings,
        store: any QueueStore,
        dispatcher: Dispatcher,
        callbacks: CallbackSender?,
        logger: Logger
    ) {
        self.definition = definition
        self.control = Mutex((settings, false))
        self.store = store
        self.dispatcher = dispatcher
        self.callbacks = callbacks
        var logger = logger
        logger[metadataKey: LogKey.queue] = "\(definition.name)"
        logger[metadataKey: LogKey.function] = "\(definition.function)"
        self.logger = logger
    }

    /// Takes a reload's settings: the next batches are made and retried by them.
    func update(_ settings: Settings) {
        control.withLock { $0.settings = settings }
    }

    /// Stops the consumer for a reload that removed its queue or its function: it leases no more and ``run()``
    /// returns once its batches in flight are settled. The queue keeps its messages.
    func stop() {
        control.withLock { $0.stopped = true }
        store.arrivals.ring(definition.name)
    }

    /// Whether the consumer should lease no more: graceful shutdown, cancellation, or ``stop()``.
    private var isStopping: Bool {
        Task.isShuttingDownGracefully || Task.isCancelled || control.withLock { $0.stopped }
    }

    /// Leases and runs batches until graceful shutdown, cancellation or ``stop()``, then waits for the batches in
    /// flight.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            var unfinished = 0
            var storeFailures = 0
            while !isStopping {
                // A finished batch is only counted out by `next()`: at most `concurrency` are ever in flight.
                if unfinished >= settings.concurrency {
                    await group.next()
                    unfinished -= 1
                    continue
                }
                let batch: [QueueMessage]
                do {
                    batch = try await nextBatch()
                    storeFailures = 0
                } catch {
                    storeFailures += 1
                    logger.error("Leasing messages failed; retrying", metadata: [LogKey.error: "\(error)"])
                    let delay = Duration.milliseconds(100) * (1 << min(storeFailures, 6))
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
                    continue
                }
                guard !batch.isEmpty else { continue }
                group.addTask { await self.process(batch) }
                unfinished += 1
            }
        }
    }

    /// Leases the next batch: up to `batchSize` messages, waiting up to `batchWindow` to fill it. When none is visible,
    /// waits at the doorbell until a message may have arrived (an enqueue in this process, or the
    /// ``VisibilityWatcher`` seeing one due) and returns an empty batch: an idle queue costs no database work.
    private func nextBatch() async throws -> [QueueMessage] {
        let settings = settings
        // The mark is taken before the lease, so a ring between the two is not missed.
        var mark = store.arrivals.mark(definition.name)
        var batch = try await store.lease(from: definition.name, limit: settings.batchSize, policy: settings.policy)
        guard !batch.isEmpty else {
            await store.arrivals.wait(definition.name, after: mark, timeout: Self.idleWait)
            return []
        }
        guard settings.batchWindow > .zero else { return batch }
        let deadline = ContinuousClock.now + settings.batchWindow
        while batch.count < settings.batchSize && !isStopping {
            let remaining = deadline - .now
            guard remaining > .zero else { break }
            await store.arrivals.wait(definition.name, after: mark, timeout: remaining)
            mark = store.arrivals.mark(definition.name)
            let limit = settings.batchSize - batch.count
            batch += try await store.lease(from: definition.name, limit: limit, policy: settings.policy)
        }
        return batch
    }

    /// Runs one batch and settles its messages.
    private func process(_ batch: [QueueMessage]) async {
        switch definition.kind {
        case .queue: await deliver(batch)
        case .async: await invokeAsynchronously(batch)
        }
    }

    /// Acknowledges, fails or releases `batch`'s messages as `outcome` says; returns the failed messages that moved to
    /// the dead-letter queue.
    @discardableResult
    func settle(_ batch: [QueueMessage], outcome: BatchOutcome) async -> [QueueReceipt] {
        var succeeded: [QueueReceipt] = []
        var failures: [QueueFailure] = []
        for message in batch {
            switch outcome {
            case .succeeded:
                succeeded.append(message.receipt)
            case .partiallyFailed(let failed, _) where !failed.contains(message.id):
                succeeded.append(message.receipt)
            case .partiallyFailed(_, let error):
                failures.append(QueueFailure(receipt: message.receipt, error: error))
            case .failed(let error):
                failures.append(QueueFailure(receipt: message.receipt, error: error))
            case .notRun:
                break
            }
        }
        do {
            if case .notRun(let reason) = outcome {
                logger.notice("The function did not run; the messages go back", metadata: [LogKey.error: "\(reason)"])
                let delay = Task.isShuttingDownGracefully || Task.isCancelled ? Duration.zero : Self.throttleDelay
                try await store.release(batch.map(\.receipt), after: delay)
                return []
            }
            try await store.acknowledge(succeeded)
            return try await store.fail(failures, policy: settings.policy)
        } catch {
            // The leases expire and the messages are delivered again: nothing is lost.
            logger.error(
                "Settling messages failed; they will be delivered again",
                metadata: [LogKey.messages: "\(batch.count)", LogKey.error: "\(error)"]
            )
            return []
        }
    }
}
