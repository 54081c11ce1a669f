import Foundation
import Logging
import NIOCore

/// Makes the invoker's deployments: the first at start, and one for every reload (SIGHUP, `invoker reload`,
/// `serve --watch`). One place decides what a reload keeps and what it replaces:
///
/// - The manifest is read and checked as at start, and the worker binary is frozen (``BinarySnapshot``) and must
///   provide every handler the manifest names. Either failing refuses the reload as a whole: nothing changes.
/// - A function whose ``Generation`` is unchanged keeps its pool and warm workers; its routes, scaling and queue
///   settings change in place.
/// - A function whose generation changed gets a new pool, which must start one worker before it takes requests;
///   if that fails, the function stays on its previous generation. Otherwise new requests go to the new pool, and
///   the old one is retired: its invocations in flight finish there, then its workers stop.
/// - Added functions start serving; removed functions take no more requests, finish what they run, and their queues
///   keep their messages.
///
/// Reloads run one at a time, in the order they were asked for.
actor Deployer {
    /// What deployments are made of, fixed for the invoker's life.
    struct Settings: Sendable {
        /// The manifest file.
        var manifestPath: String
        /// The `Functions` worker binary as builds write it (each deployment freezes it).
        var functionsBinary: String
        /// Whether workers run under user ids of their own.
        var isolateWorkers: Bool
        /// The address the server listens on, for the warning about unauthenticated routes.
        var host: String
        /// The `--api-keys` file, for routes with `apiKey` auth.
        var apiKeys: APIKeyStore?
        /// The admin key, which guards the generic paths of functions whose routes authenticate.
        var adminKey: BearerKey
        /// How often remote JWKS are fetched again.
        var jwksRefreshInterval: Duration
    }

    private let settings: Settings
    private let catalog: FunctionCatalog
    private let pools: WorkerPools
    private let queues: QueueSystem
    private let budget: WorkerBudget
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    /// Every pool that runs, current or retired, with the binary snapshot its workers execute.
    private var running: [ObjectIdentifier: BinarySnapshot?] = [:]
    /// The handlers of each binary build, by build id (asking a binary costs a process start).
    private var handlers: [String: Set<String>] = [:]
    /// Tells this invoker's binary snapshots from those of other invokers in the same process.
    private let snapshotOwner = Hex.random(bytes: 4)
    /// The reload in progress or last finished, which the next one waits for.
    private var last: Task<ReloadReport, Never>?

    /// A deployer that installs in `catalog`, runs pools in `pools` and consumers through `queues`.
    init(
        settings: Settings,
        catalog: FunctionCatalog,
        pools: WorkerPools,
        queues: QueueSystem,
        budget: WorkerBudget,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) {
        self.settings = settings
        self.catalog = catalog
        self.pools = pools
        self.queues = queues
        self.budget = budget
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        BinarySnapshot.removeAbandoned(of: settings.functionsBinary)
    }

    /// Deploys `manifest` at start: every function gets its pool, and a failure is the start's error.
    func start(_ manifest: Manifest) async throws {
        _ = try await deploy(manifest, startedAt: .now)
    }

    /// Reloads the manifest and the worker binary, after the reloads asked for before; returns what changed, or why
    /// nothing did. The outcome is logged once.
    func reload() async -> ReloadReport {
        let previous = last
        let task = Task {
            _ = await previous?.value
            return await self.reloadNow()
        }
        last = task
        return await task.value
    }

    private func reloadNow() async -> ReloadReport {
        let started = ContinuousClock.now
        do {
            let manifest = try Manifest.load(path: settings.manifestPath)
            let report = try await deploy(manifest, startedAt: started)
            logger.notice("\(report.summary)")
            for (function, error) in report.failed.sorted(by: { $0.key < $1.key }) {
                logger.error(
                    "The new generation failed to start; the previous one keeps serving",
                    metadata: [LogKey.function: "\(function)", LogKey.error: "\(error)"]
                )
            }
            return report
        } catch {
            let report = ReloadReport.refused("\(error)")
            logger.error("\(report.summary)")
            return report
        }
    }

    /// Deploys `manifest` over what the catalog serves (nothing, at start).
    private func deploy(_ manifest: Manifest, startedAt: ContinuousClock.Instant) async throws -> ReloadReport {
        let current = catalog.deployment
        // The binary is frozen only for a manifest with Swift functions; a snapshot no pool takes up (the reload
        // fails, or keeps every function on its pool) is deleted again when the deployment ends.
        let snapshot =
            try manifest.functions.contains { $0.command == nil }
            ? BinarySnapshot.take(of: settings.functionsBinary, owner: snapshotOwner) : nil
        defer { if let snapshot { removeIfUnused(snapshot) } }
        if let snapshot {
            try manifest.validateHandlers(available: try await handlers(of: snapshot))
        }
        let authorizers = try await RouteAuthorizers.build(
            manifest: manifest,
            apiKeys: settings.apiKeys,
            adminKey: settings.adminKey,
            jwksRefreshInterval: settings.jwksRefreshInterval,
            logger: logger
        )
        var report = ReloadReport(reloaded: true)
        var pools: [String: WorkerPool] = [:]
        var replacing: [(old: WorkerPool, new: WorkerPool)] = []
        for function in manifest.functions {
            let launch = try WorkerLaunch(
                function: function,
                functionsBinary: snapshot?.path ?? settings.functionsBinary,
                manifestDirectory: manifest.directory
            )
            let uses = function.command == nil ? snapshot : nil
            let generation = Generation.id(launch: launch, transport: function.transport, build: uses?.build)
            if let old = current.pools[function.name], old.generation == generation {
                pools[function.name] = old
                report.unchanged.append(function.name)
                continue
            }
            let pool = WorkerPool(
                function: function,
                generation: generation,
                launch: launch,
                budget: budget,
                isolateWorkers: settings.isolateWorkers,
                eventLoopGroup: eventLoopGroup,
                logger: logger
            )
            run(pool, using: uses)
            pools[function.name] = pool
            if let old = current.pools[function.name] {
                replacing.append((old, pool))
            } else {
                report.added[function.name] = generation
            }
        }
        for (name, failure) in await warmUp(replacing.map(\.new)) {
            let old = current.pools[name]!
            pools[name]!.retire(successor: old)
            pools[name] = old
            report.failed[name] = failure
        }
        // The replacements whose new generation started.
        let replaced = replacing.filter { pools[$0.new.function.name] === $0.new }
        for (_, new) in replaced {
            report.replaced[new.function.name] = new.generation
        }
        let removed = current.pools.filter { manifest[$0.key] == nil }
        report.removed = removed.keys.sorted()
        let deployment = Deployment(manifest: manifest, pools: pools, authorizers: authorizers)
        let updates = report.unchanged.map { (pools[$0]!, manifest[$0]!) }
        do {
            try await queues.deploy(manifest) { [catalog] in
                for (pool, function) in updates { pool.update(function) }
                catalog.install(deployment)
            }
        } catch {
            // The queues could not be registered (the database is away): the new pools go, the old ones serve on.
            for (old, new) in replaced {
                new.retire(successor: old)
            }
            for name in report.added.keys { pools[name]!.retire(successor: nil) }
            throw error
        }
        for (old, new) in replaced {
            old.retire(successor: new)
        }
        for pool in removed.values { pool.retire(successor: nil) }
        warnAboutOpenRoutes(in: manifest, previous: current.manifest)
        report.durationMs = (ContinuousClock.now - startedAt).milliseconds
        return report
    }

    /// The handlers the build `snapshot` provides.
    private func handlers(of snapshot: BinarySnapshot) async throws -> Set<String> {
        if let known = handlers[snapshot.build] { return known }
        let available = try await FunctionsBinary(path: snapshot.path).handlers()
        handlers[snapshot.build] = available
        return available
    }

    /// Runs `pool`, whose workers execute `snapshot` (nil for a command of its own), until it ends; then deletes the
    /// snapshot if no running pool uses it any more.
    private func run(_ pool: WorkerPool, using snapshot: BinarySnapshot?) {
        let id = ObjectIdentifier(pool)
        running[id] = snapshot
        pools.start(pool) {
            Task { await self.ended(id) }
        }
    }

    private func ended(_ id: ObjectIdentifier) {
        guard let snapshot = running.removeValue(forKey: id) ?? nil else { return }
        removeIfUnused(snapshot)
    }

    /// Deletes `snapshot` unless a running pool's workers execute it.
    private func removeIfUnused(_ snapshot: BinarySnapshot) {
        if !running.values.contains(snapshot) { snapshot.remove() }
    }

    /// Starts a worker in each of `pools` side by side; returns the start failures, by function.
    private func warmUp(_ pools: [WorkerPool]) async -> [String: String] {
        await withTaskGroup(of: (String, String?).self) { group in
            for pool in pools {
                group.addTask {
                    do throws(InvokerError) {
                        try await pool.warmUp()
                        return (pool.function.name, nil)
                    } catch {
                        return (pool.function.name, error.message)
                    }
                }
            }
            var failures: [String: String] = [:]
            for await (name, failure) in group {
                if let failure { failures[name] = failure }
            }
            return failures
        }
    }

    /// Warns when `manifest` serves routes without authentication on an address others can reach, unless the
    /// previous manifest served the same ones (a warning per change, not per reload).
    private func warnAboutOpenRoutes(in manifest: Manifest, previous: Manifest) {
        guard let routes = NetworkExposure(host: settings.host, manifest: manifest).openRoutes,
            routes != NetworkExposure(host: settings.host, manifest: previous).openRoutes
        else { return }
        logger.warning(
            "Function routes without authentication are open to anyone who can reach this address",
            metadata: [LogKey.host: "\(settings.host)", LogKey.routes: "\(routes)"]
        )
    }
}
