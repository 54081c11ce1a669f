import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Builds the invoker: loads and validates the manifest, finds the worker binary, opens the storage (the invocation
/// log and the queue), and composes the HTTP server with one worker pool per function and the queues' consumers.
/// `invoker serve` runs it; tests run it too.
func buildApplication(_ configuration: ServerConfiguration, logger: Logger) async throws -> some ApplicationProtocol {
    let manifest = try Manifest.load(path: configuration.manifestPath)
    let node = NodeIdentity(configured: configuration.nodeName, host: configuration.host, port: configuration.port)
    let state = try configuration.stateDirectory.prepare(logger: logger)
    let adminKey = try AdminKey.forServer(configured: configuration.apiKey, state: state)
    let binary = try await FunctionsBinary.locate(
        explicitPath: configuration.functionsBinary,
        build: configuration.buildFunctions,
        logger: logger
    )
    if manifest.functions.contains(where: { $0.command == nil }) {
        try manifest.validateHandlers(available: try await binary.handlers())
    }
    let storage = try await StorageSetup(configuration, logger: logger)
    let log = try InvocationLog(sink: storage.logSink, configuration: configuration.retention, logger: logger)
    let budget = WorkerBudget(limit: configuration.maxWorkers)
    let pools = try manifest.functions.map { function in
        WorkerPool(
            function: function,
            launch: try WorkerLaunch(
                function: function,
                functionsBinary: binary.path,
                manifestDirectory: manifest.directory
            ),
            budget: budget,
            isolateWorkers: configuration.isolateWorkers,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger
        )
    }
    let metrics = InvokerMetrics()
    let dispatcher = Dispatcher(
        pools: Dictionary(uniqueKeysWithValues: pools.map { ($0.function.name, $0) }),
        log: log,
        metrics: metrics,
        logger: logger,
        node: node,
        recordsInvocations: configuration.recordsInvocations
    )
    let nodeTable = storage.database.map { NodeTable(database: $0) }
    let heartbeat = nodeTable.map { table in
        NodeHeartbeat(table: table, node: node, pools: pools, interval: configuration.heartbeatInterval, logger: logger)
    }
    let queues = try await QueueSystem(
        store: storage.queueStore,
        storeServices: storage.queueServices,
        manifest: manifest,
        dispatcher: dispatcher,
        logger: logger
    )
    let scheduler = Scheduler(schedules: manifest.schedules, store: storage.queueStore, node: node, logger: logger)
    if let routes = NetworkExposure(host: configuration.host, manifest: manifest).openRoutes {
        logger.warning(
            "Function routes without authentication are open to anyone who can reach this address",
            metadata: [LogKey.host: "\(configuration.host)", LogKey.routes: "\(routes)"]
        )
    }
    let apiKeys = try configuration.apiKeysPath.map { try APIKeyStore(path: $0, logger: logger) }
    let authorizers = try await RouteAuthorizers.build(
        manifest: manifest,
        apiKeys: apiKeys,
        adminKey: BearerKey(key: adminKey),
        jwksRefreshInterval: configuration.jwksRefreshInterval,
        logger: logger
    )
    var reloads: [HangupReloader.Action] = []
    if let apiKeys { reloads.append { _ = apiKeys.reload() } }
    let reloader = await HangupReloader(actions: reloads)
    let router = Router(context: InvokerRequestContext.self)
    let admin = router.group().add(middleware: APIKeyMiddleware(key: BearerKey(key: adminKey)))
    HealthRoutes(log: log, queues: storage.queueStore).register(on: router)
    let functionRoutes = FunctionRoutes(manifest: manifest, dispatcher: dispatcher, authorizers: authorizers)
    functionRoutes.register(on: router)
    InvokeAPIRoutes(
        dispatcher: dispatcher,
        asyncInvocations: queues.asyncInvocations,
        signatures: configuration.invokeCredentials.map(SigV4Verifier.init),
        adminKey: BearerKey(key: adminKey),
        authorizers: authorizers
    )
    .register(on: router)
    SystemRoutes(pools: pools).register(on: admin)
    NodeRoutes(node: node, pools: pools, table: nodeTable, goneAfter: configuration.nodeGoneAfter, logger: logger)
        .register(on: admin)
    AdminRoutes(
        store: storage.invocationStore,
        log: log,
        pools: pools,
        metrics: metrics
    )
    .register(on: admin)
    queues.routes(dispatcher: dispatcher, authorizers: authorizers).register(on: router, admin: admin)
    ScheduleRoutes(scheduler: scheduler, invocations: storage.invocationStore).register(on: admin)
    return Application(
        router: InvokerRouter(functionRoutes: functionRoutes, router: router),
        server: configuration.edge.server,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: nil,
            availableConnectionsDelegate: ConnectionLimit(
                limit: configuration.edge.maxConnections ?? ConnectionLimit.machineDefault,
                metrics: metrics,
                logger: logger
            )
        ),
        // Services shut down in reverse order, after the HTTP server: the scheduler, the heartbeat, consumers, then
        // pools, then the log, then the database's connections.
        services: storage.databaseServices + [OnConcurrencyPool(service: log), WorkerPools(pools: pools), reloader]
            + queues.services.map { OnConcurrencyPool(service: $0) } + (heartbeat.map { [$0] } ?? [])
            + [OnConcurrencyPool(service: scheduler)] as [any Service],
        onServerRunning: { [onServerRunning = configuration.onServerRunning] channel in
            node.listening(on: channel.localAddress?.port ?? configuration.port)
            await AcceptFailureHandler.install(on: channel, metrics: metrics, logger: logger)
            await onServerRunning(channel)
        },
        logger: logger
    )
}
