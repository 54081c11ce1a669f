import Logging
import ServiceLifecycle
import Synchronization

/// The queue part of the invoker: the store, the queues the deployed functions consume (each `queue` trigger, and
/// every function's asynchronous invocations), their consumers and the callback sender. Each deployment (the start,
/// and every reload) hands it its manifest: consumers of new queues start, removed ones stop, and the others take
/// their new settings in place.
///
/// ```swift
/// let queues = QueueSystem(store: store, dispatcher: dispatcher, logger: logger)
/// try await queues.deploy(manifest)
/// queues.routes().register(on: router, admin: admin)
/// let services: [any Service] = [log, pools] + queues.services  // consumers stop before pools
/// ```
final class QueueSystem: Sendable {
    /// Where the messages are.
    let store: any QueueStore
    /// The store's own services, the callback sender, then the consumers (``QueueConsumers``): list them after the
    /// pools.
    let services: [any Service]
    /// Queues asynchronous invocations.
    let asyncInvocations: AsyncInvocations
    /// The queue part's logger.
    let logger: Logger
    private let dispatcher: Dispatcher
    private let callbacks: CallbackSender
    private let consumers: QueueConsumers
    /// The running consumers, by queue name.
    private let running = Mutex<[String: QueueConsumer]>([:])

    /// The queue part over `store`, whose consumers invoke through `dispatcher`; `storeServices` are what the store
    /// needs running beside them (the PostgreSQL notification listener).
    init(store: any QueueStore, storeServices: [any Service] = [], dispatcher: Dispatcher, logger: Logger) {
        let callbacks = CallbackSender(logger: logger)
        let consumers = QueueConsumers(watcher: VisibilityWatcher(store: store, logger: logger))
        self.store = store
        self.dispatcher = dispatcher
        self.callbacks = callbacks
        self.consumers = consumers
        self.services = storeServices + [callbacks, consumers]
        self.asyncInvocations = AsyncInvocations(store: store, logger: logger)
        self.logger = logger
    }

    /// Registers the queues `manifest`'s functions consume in the store (replacing the previous list; every queue
    /// keeps its messages), then calls `install` (which makes the manifest's functions the ones served), then runs a
    /// consumer for each queue. When the store cannot register them, it throws before `install`.
    func deploy(_ manifest: Manifest, install: @Sendable () -> Void = {}) async throws {
        let consumed = QueueDefinition.consumed(in: manifest)
        try await store.register(consumed.map(\.definition))
        install()
        let started = running.withLock { running in
            var started: [QueueConsumer] = []
            var kept: [String: QueueConsumer] = [:]
            for queue in consumed {
                if let consumer = running.removeValue(forKey: queue.definition.name),
                    consumer.definition == queue.definition
                {
                    consumer.update(queue.settings)
                    kept[queue.definition.name] = consumer
                } else {
                    let consumer = QueueConsumer(
                        definition: queue.definition,
                        settings: queue.settings,
                        store: store,
                        dispatcher: dispatcher,
                        callbacks: callbacks,
                        logger: logger
                    )
                    kept[queue.definition.name] = consumer
                    started.append(consumer)
                }
            }
            for consumer in running.values { consumer.stop() }
            running = kept
            return started
        }
        for consumer in started { consumers.start(consumer) }
    }

    /// The routes of the producers and of `GET /system/queues`.
    func routes() -> QueueRoutes {
        QueueRoutes(
            store: store,
            dispatcher: dispatcher,
            asyncInvocations: asyncInvocations,
            logger: logger
        )
    }
}
