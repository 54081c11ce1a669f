import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Runtime

/// `invoker serve`: serves the manifest's functions over HTTP until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the functions of a manifest over HTTP.",
        discussion: "SIGINT or SIGTERM stops it gracefully: no new requests, in-flight invocations finish, the"
            + " invocation log is flushed, the workers are stopped."
    )

    @Option(help: "The address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: "The manifest that lists the functions.")
    var manifest = "functions.json"

    @Option(help: "The invocation log's SQLite file (default: .invoker/invocations.sqlite beside the manifest).")
    var db: String?

    @Option(help: "The queue's SQLite file (default: .invoker/queue.sqlite beside the manifest).")
    var queueDb: String?

    @Option(
        help: ArgumentHelp(
            "How queue commits are made durable: full (survive power loss) or normal (survive a crash of the invoker).",
            valueName: "full|normal"
        )
    )
    var queueSync: SQLiteQueueStore.Configuration.Synchronous = .full

    @Option(help: DatabaseURLOption.help)
    var database: String?

    @Option(help: "This node's name among the invokers sharing --database (default: hostname:port).")
    var nodeName: String?

    @Option(help: "The worker binary for Swift functions (default: Functions beside invoker, rebuilt when stale).")
    var functionsBinary: String?

    @Option(
        help: ArgumentHelp(
            "The key the admin API (/system/*, /metrics) requires as 'Authorization: Bearer <key>'.",
            discussion: "Defaults to the INVOKER_API_KEY environment variable; without either, a key is generated at"
                + " start into .invoker/admin.key beside the manifest (0600), where the CLI finds it."
        )
    )
    var apiKey: String?

    @Option(
        help: ArgumentHelp(
            "Require AWS Signature Version 4 on the Invoke API from the keys in this file.",
            discussion: "The AWS shared credentials format: [profile] sections with aws_access_key_id and"
                + " aws_secret_access_key. Without it the Invoke API accepts any request.",
            valueName: "file"
        )
    )
    var invokeCredentials: String?

    @Option(
        help: ArgumentHelp(
            "The API keys that routes with {\"apiKey\": {}} auth accept in x-api-key.",
            discussion: "One \"name key\" per line; # comments and blank lines are allowed. Re-read on SIGHUP (a file"
                + " that does not parse then keeps the previous keys). Keep it private (chmod 600).",
            valueName: "file"
        )
    )
    var apiKeys: String?

    @Option(help: "Delete invocation records older than this many days (0 keeps them; default 30).")
    var retainDays: Int?

    @Option(help: "Keep at most this many invocation records, the newest (0 keeps all; default 1,000,000).")
    var retainRows: Int?

    @Flag(help: "Do not record invocations in the invocation log (it stays readable; metrics still count them).")
    var noInvocationLog = false

    @Option(help: "The most worker processes across all functions (default: 32 per core, at most one per 128 MiB).")
    var maxWorkers: Int?

    @Option(
        help: ArgumentHelp(
            "Run each worker under a user id of its own (true/false).",
            discussion: "Needs root; the default when the invoker runs as root. Without it, workers run as the"
                + " invoker's user and the process-count limit cannot be applied."
        )
    )
    var isolateWorkers: Bool?

    @Option(help: "Seconds a client may take to send a request's head (request line and headers); default 10.")
    var headTimeout: Double?

    @Option(help: "Seconds the server waits for the next piece of a request body; default 30.")
    var bodyTimeout: Double?

    @Option(help: "Seconds a connection may stay idle before or between requests; default 60.")
    var idleTimeout: Double?

    @Option(help: "The largest request head (request line and headers) in bytes; larger gets 431. Default 32768.")
    var maxHeaderBytes: Int?

    @Option(help: "The most HTTP connections open at once (default: half the open-files limit).")
    var maxConnections: Int?

    @Flag(
        help: ArgumentHelp(
            "Rebuild and reload on every change to Sources/, Package.swift or the manifest.",
            discussion: "The manifest must be in the package's folder, beside Package.swift. Functions whose binary,"
                + " command, environment, limits or transport changed get new workers; invocations in flight finish"
                + " on the old ones. A failed build or an invalid manifest keeps the previous version serving."
        )
    )
    var watch = false

    @Option(help: "The invoker's own log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: Logger.Level = .info

    func run() async throws {
        var logger = Logger(label: "invoker")
        logger.logLevel = logLevel
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.manifestPath = manifest
        configuration.databasePath = db
        configuration.queueDatabasePath = queueDb
        configuration.queue.synchronous = queueSync
        configuration.database = try DatabaseURLOption.resolve(database)
        if let nodeName {
            guard !nodeName.isEmpty else { throw ValidationError("--node-name must not be empty") }
            configuration.nodeName = nodeName
        }
        configuration.functionsBinary = functionsBinary
        configuration.recordsInvocations = !noInvocationLog
        configuration.apiKey =
            apiKey
            ?? ProcessInfo.processInfo.environment["INVOKER_API_KEY"].flatMap {
                $0.isEmpty ? nil : $0
            }
        if configuration.apiKey?.isEmpty == true { throw ValidationError("--api-key must not be empty") }
        if let invokeCredentials {
            configuration.invokeCredentials = try AWSCredentials(contentsOf: invokeCredentials)
        }
        configuration.apiKeysPath = apiKeys
        if let retainDays {
            guard retainDays >= 0 else { throw ValidationError("--retain-days must be 0 or more, got \(retainDays)") }
            configuration.retention.retainDays = retainDays == 0 ? nil : retainDays
        }
        if let retainRows {
            guard retainRows >= 0 else { throw ValidationError("--retain-rows must be 0 or more, got \(retainRows)") }
            configuration.retention.retainRows = retainRows == 0 ? nil : retainRows
        }
        if let isolateWorkers {
            guard !isolateWorkers || WorkerIdentity.canIsolate else {
                throw ValidationError("--isolate-workers true needs the invoker to run as root")
            }
            configuration.isolateWorkers = isolateWorkers
        }
        if let maxWorkers {
            guard maxWorkers > 0 else { throw ValidationError("--max-workers must be at least 1, got \(maxWorkers)") }
            configuration.maxWorkers = maxWorkers
        }
        try applyEdgeOptions(to: &configuration.edge)
        if watch {
            let settings = try watchSettings()
            // The binary is built now, with its output shown; each change rebuilds it.
            try await settings.build.run()
            configuration.functionsBinary = settings.build.binary
            configuration.buildFunctions = false
            configuration.watch = settings
        }
        let manifestPath = manifest
        configuration.onServerRunning = { channel in
            let port = channel.localAddress?.port ?? 0
            // Written unbuffered: scripts and tests wait for this line to learn the port.
            FileHandle.standardOutput.write(Data("invoker: serving \(manifestPath) on http://\(host):\(port)\n".utf8))
        }
        let descriptors = DescriptorLimit.raiseToHard()
        if descriptors.after > descriptors.before {
            logger.debug(
                "raised the open-files limit",
                metadata: ["from": "\(descriptors.before)", "to": "\(descriptors.after)"]
            )
        }
        let app = try await buildApplication(configuration, logger: logger)
        // Requests, worker connections and the dispatch between them run on the event loops, with no hops to the
        // concurrency pool and back.
        try await withTaskExecutorPreference(EventLoopGroupTaskExecutor(MultiThreadedEventLoopGroup.singleton)) {
            try await app.runService()
        }
    }
}

extension Serve {
    /// What `--watch` watches and builds: the package beside the manifest, built into the invoker's own build
    /// folder when the invoker was built from that package, else into the package's `.build`.
    func watchSettings() throws -> SourceWatch.Settings {
        guard functionsBinary == nil else {
            throw ValidationError("--watch builds the package's Functions binary itself; leave out --functions-binary")
        }
        let manifestURL = URL(fileURLWithPath: manifest).standardizedFileURL
        let package = manifestURL.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: package.appendingPathComponent("Package.swift").path) else {
            throw ValidationError(
                "--watch needs the manifest beside the package's Package.swift; \(package.path) has none"
            )
        }
        let invokerDirectory = URL(fileURLWithPath: WatchProcess.invokerExecutable).deletingLastPathComponent()
        let ownPackage = FunctionsBinary.packageRoot(above: invokerDirectory)?.standardizedFileURL
        let ownBuild = package.appendingPathComponent(".build/\(FunctionsBuild.configuration(of: invokerDirectory))")
        let binaryDirectory = ownPackage?.path == package.path ? invokerDirectory : ownBuild
        return SourceWatch.Settings(
            build: FunctionsBuild(package: package, binaryDirectory: binaryDirectory),
            manifestPath: manifestURL.path
        )
    }

    /// Sets the HTTP edge's timeouts and limits from their flags.
    func applyEdgeOptions(to policy: inout HTTPEdgePolicy) throws {
        for (flag, value, keyPath) in [
            ("--head-timeout", headTimeout, \HTTPEdgePolicy.headTimeout),
            ("--body-timeout", bodyTimeout, \.bodyTimeout),
            ("--idle-timeout", idleTimeout, \.idleTimeout),
        ] {
            guard let value else { continue }
            guard value > 0, value.isFinite else { throw ValidationError("\(flag) must be more than 0, got \(value)") }
            policy[keyPath: keyPath] = .milliseconds(Int64(value * 1000))
        }
        if let maxConnections {
            guard maxConnections > 0 else {
                throw ValidationError("--max-connections must be at least 1, got \(maxConnections)")
            }
            policy.maxConnections = maxConnections
        }
        if let maxHeaderBytes {
            guard maxHeaderBytes >= 1024 else {
                throw ValidationError("--max-header-bytes must be at least 1024, got \(maxHeaderBytes)")
            }
            policy.maxHeaderBytes = maxHeaderBytes
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension SQLiteQueueStore.Configuration.Synchronous: ExpressibleByArgument {}
