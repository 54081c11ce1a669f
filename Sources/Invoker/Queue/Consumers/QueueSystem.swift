import Logging
import ServiceLifecycle

/// The queue part of the invoker, composed once: the store, the queues of the manifest (each `queue` trigger, and
/// every function's asynchronous invocations), their consumers and the callback sender.
///
/// ```swift
/// let store = try SQLiteQueueStore(path: path)
/// let queues = try await QueueSystem(store: store, manifest: manifest, dispatcher: dispatcher, logger: logger)
/// queues.routes.register(on: router)
/// let services: [any Service] = [log, WorkerPools(pools: pools)] + queues.services  // consumers stop before pools
/// ```
struct QueueSystem: Sendable {
    /// Where the messages are.
    let store: any QueueStore
    /// Every queue the invoker serves.
    let definitions: [QueueDefinition]
    /// The store's own services, the callback sender, then the consumers (``QueueConsumers``): list them after the
    /// pools.
    let services: [any Service]
    /// Queues asynchronous invocations.
    let asyncInvocations: AsyncInvocations
    /// The queue part's logger.
    let logger: Logger

    /// Registers the manifest's queues in `store` and makes their consumers; `storeServices` are what the store needs
    /// running beside them (the PostgreSQL notification listener).
    init(
        store: any QueueStore,
        storeServices: [any Service] = [],
        manifest: Manifest,
        dispatcher: Dispatcher,
        logger: Logger
    ) async throws {
        let callbacks = CallbackSender(logger: logger)
        var definitions: [QueueDefinition] = []
        var consumers: [QueueConsumer] = []
        for function in manifest.functions {
            var queues: [(QueueDefinition, QueueConsumer.Settings)] = []
            if let trigger = function.queue {
                queues.append(
                    (
                        QueueDefinition(name: trigger.name, function: function.name, kind: .queue),
                        QueueConsumer.Settings(trigger: trigger, function: function)
                    )
                )
            }
            queues.append(
                (
                    QueueDefinition(
                        name: QueueDefinition.asyncQueueName(of: function.name),
                        function: function.name,
                        kind: .async
                    ),
                    QueueConsumer.Settings(asyncOf: function)
                )
            )
            for (definition, settings) in queues {
                definitions.append(definition)
                consumers.append(
                    QueueConsumer(
                        definition: definition,
                        settings: settings,
                        store: store,
                        dispatcher: dispatcher,
                        callbacks: callbacks,
                        logger: logger
                    )
                )
            }
        }
        try await store.register(definitions)
        self.store = store
        self.definitions = definitions
        self.services =
            storeServices + [
                callbacks,
                QueueConsumers(watcher: VisibilityWatcher(store: store, logger: logger), consumers: consumers),
            ]
        self.asyncInvocations = AsyncInvocations(store: store, logger: logger)
        self.logger = logger
    }

    /// The routes of the producers and of `GET /system/queues`.
    func routes(dispatcher: Dispatcher, authorizers: RouteAuthorizers = .open) -> QueueRoutes {
        QueueRoutes(
            queues: definitions.filter { $0.kind == .queue },
            store: store,
            dispatcher: dispatcher,
            asyncInvocations: asyncInvocations,
            logger: logger,
            authorizers: authorizers
        )
    }
}
