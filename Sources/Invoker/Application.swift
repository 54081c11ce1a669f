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
        build: configuration.buildFunctions
    )
    let storage = try await StorageSetup(configuration, logger: logger)
    let log = try InvocationLog(sink: storage.logSink, configuration: configuration.retention, logger: logger)
    let catalog = FunctionCatalog()
    let metrics = InvokerMetrics()
    let activity = LiveActivity()
    let dispatcher = Dispatcher(
        catalog: catalog,
        log: log,
        metrics: metrics,
        activity: activity,
        logger: logger,
        node: node,
        recordsInvocations: configuration.recordsInvocations
    )
    let pools = WorkerPools()
    let queues = QueueSystem(
        store: storage.queueStore,
        storeServices: storage.queueServices,
        dispatcher: dispatcher,
        logger: logger
    )
    let scheduler = Scheduler(schedules: manifest.schedules, store: storage.queueStore, node: node, logger: logger)
    let apiKeys = try configuration.apiKeysPath.map { try APIKeyStore(path: $0, logger: logger) }
    let deployer = Deployer(
        settings: Deployer.Settings(
            manifestPath: configuration.manifestPath,
            functionsBinary: binary.path,
            isolateWorkers: configuration.isolateWorkers,
            host: configuration.host,
            apiKeys: apiKeys,
            adminKey: BearerKey(key: adminKey),
            jwksRefreshInterval: configuration.jwksRefreshInterval
        ),
        catalog: catalog,
        pools: pools,
        queues: queues,
        budget: WorkerBudget(limit: configuration.maxWorkers),
        eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
        logger: logger
    )
    try await deployer.start(manifest)
    // SIGHUP, `invoker reload` and `serve --watch` reload the same things: the `--api-keys` file first (the manifest's
    // routes name its keys), then the manifest and the worker binary, then the schedules.
    let reload: @Sendable () async -> ReloadReport = {
        _ = apiKeys?.reload()
        let report = await deployer.reload()
        if report.reloaded { scheduler.update(schedules: catalog.deployment.manifest.schedules) }
        return report
    }
    let reloader = await HangupReloader(actions: [{ _ = await reload() }])
    var watch: [any Service] = []
    if let settings = configuration.watch {
        // Watching starts before the server listens: a change saved once it serves is never missed.
        let watcher = try await WatchProcess.start(watching: settings.roots)
        watch.append(SourceWatch(watcher: watcher, settings: settings, reload: reload, logger: logger))
    }
    let nodeTable = storage.database.map { NodeTable(database: $0) }
    let heartbeat = nodeTable.map { table in
        NodeHeartbeat(
            table: table,
            node: node,
            catalog: catalog,
            interval: configuration.heartbeatInterval,
            logger: logger
        )
    }
    let sampler = LiveActivitySampler(activity: activity, pools: { catalog.pools })
    let router = Router(context: InvokerRequestContext.self)
    let admin = router.group().add(middleware: APIKeyMiddleware(key: BearerKey(key: adminKey)))
    HealthRoutes(log: log, queues: storage.queueStore).register(on: router)
    let functionRoutes = FunctionRoutes(dispatcher: dispatcher)
    functionRoutes.register(on: router)
    InvokeAPIRoutes(
        dispatcher: dispatcher,
        asyncInvocations: queues.asyncInvocations,
        signatures: configuration.invokeCredentials.map(SigV4Verifier.init),
        adminKey: BearerKey(key: adminKey)
    )
    .register(on: router)
    SystemRoutes(catalog: catalog).register(on: admin)
    ReloadRoutes(reload: reload).register(on: admin)
    NodeRoutes(node: node, catalog: catalog, table: nodeTable, goneAfter: configuration.nodeGoneAfter, logger: logger)
        .register(on: admin)
    AdminRoutes(
        store: storage.invocationStore,
        log: log,
        catalog: catalog,
        metrics: metrics
    )
    .register(on: admin)
    queues.routes().register(on: router, admin: admin)
    let goneAfter = configuration.nodeGoneAfter
    let nodes: (@Sendable () async throws -> [NodeStatus])? = nodeTable.map { table in
        { @Sendable in try await table.list(goneAfter: goneAfter, selfName: node.name) }
    }
    Dashboard(
        access: DashboardAccess(sessions: DashboardSessions(), adminKey: BearerKey(key: adminKey)),
        activity: activity,
        pages: try await DashboardPages(),
        pools: { catalog.pools },
        invocations: storage.invocationStore,
        queues: storage.queueStore,
        nodes: nodes
    )
    .register(on: router, admin: admin)
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
        services: storage.databaseServices + [OnConcurrencyPool(service: log), pools, reloader, sampler]
            + queues.services.map { OnConcurrencyPool(service: $0) } + (heartbeat.map { [$0] } ?? []) + watch
            + [OnConcurrencyPool(service: scheduler)] as [any Service],
        onServerRunning: { [onServerRunning = configuration.onServerRunning] channel in
            node.listening(on: channel.localAddress?.port ?? configuration.port)
            await AcceptFailureHandler.install(on: channel, metrics: metrics, logger: logger)
            await onServerRunning(channel)
        },
        logger: logger
    )
}
