import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import Runtime
import Testing

@testable import Invoker

/// The binaries built beside the test bundle, and a scratch folder with a manifest for one test.
struct TestEnvironment {
    /// The build folder: `invoker`, `Functions` and `FixtureFunctions` are built there with the tests.
    static let buildDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent()
    /// The example functions' worker binary.
    static let functionsBinary = buildDirectory.appendingPathComponent("Functions").path
    /// The test fixtures' worker binary.
    static let fixturesBinary = buildDirectory.appendingPathComponent("FixtureFunctions").path
    /// The invoker executable.
    static let invokerBinary = buildDirectory.appendingPathComponent("invoker").path

    /// The admin API key in-process invokers get unless a test asks for another (or for a generated one).
    static let adminKey = "test-admin-key"
    /// The header that authenticates a request to the admin API with ``adminKey``.
    static let adminHeaders: HTTPFields = [.authorization: "Bearer \(adminKey)"]

    /// A fresh folder that holds this test's manifest and database.
    let directory: URL

    /// Writes `manifest` (the `functions` object) into a fresh folder.
    init(functions: [String: Any]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("invoker-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try writeManifest(functions)
    }

    /// Replaces the manifest with `functions`. Under ``EveryTransport``, every function that names no transport
    /// gets the one being tested.
    func writeManifest(_ functions: [String: Any]) throws {
        var functions = functions
        if let transport = EveryTransport.current {
            for (name, function) in functions {
                guard var function = function as? [String: Any], function["transport"] == nil else { continue }
                function["transport"] = transport.rawValue
                functions[name] = function
            }
        }
        let data = try JSONSerialization.data(withJSONObject: ["functions": functions], options: [.prettyPrinted])
        try data.write(to: directory.appendingPathComponent("functions.json"))
    }

    /// A fixture function: `handler` of the fixtures binary, run through `command`.
    static func fixture(_ handler: String, _ settings: [String: Any] = [:]) -> [String: Any] {
        settings.merging(["command": [fixturesBinary], "handler": handler]) { $1 }
    }

    /// The manifest's path.
    var manifestPath: String { directory.appendingPathComponent("functions.json").path }
    /// The invocation log's path.
    var databasePath: String { directory.appendingPathComponent("invocations.sqlite").path }
    /// The state directory, `.invoker` beside the manifest (the queue database and a generated admin key).
    var stateDirectory: String { directory.appendingPathComponent(StateDirectory.name).path }

    /// The configuration that serves this folder's manifest on a free port, its admin API keyed with ``adminKey``.
    var configuration: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.manifestPath = manifestPath
        configuration.databasePath = databasePath
        configuration.functionsBinary = Self.functionsBinary
        configuration.apiKey = Self.adminKey
        return configuration
    }

    /// Runs the invoker in this process (its workers are real processes) and calls `body` with a live client.
    /// When it returns the invoker has shut down gracefully and every record is in the database. The admin API takes
    /// `apiKey` (nil: the invoker generates one into the state directory); `configure` changes anything else.
    func withInvoker(
        apiKey: String? = adminKey,
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var logger = Logger(label: "invoker-test")
        logger.logLevel = .warning
        var configuration = configuration
        configuration.apiKey = apiKey
        configure(&configuration)
        let app = try await buildApplication(configuration, logger: logger)
        // As `invoker serve` runs it: on the event loops.
        try await withTaskExecutorPreference(EventLoopGroupTaskExecutor(MultiThreadedEventLoopGroup.singleton)) {
            try await app.test(.live, body)
        }
    }

    /// The records of the database, newest first.
    func records() async throws -> [InvocationRecord] {
        try await SQLiteInvocationStore(path: databasePath).list(filter: InvocationFilter(), limit: 10_000)
    }

    /// Polls the database until it holds `count` records (the log writes in batches), newest first.
    func waitForRecords(count: Int, timeout: Duration = .seconds(10)) async throws -> [InvocationRecord] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let records = try await self.records()
            if records.count >= count || ContinuousClock.now >= deadline { return records }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Removes the folder.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(
    timeout: Duration = .seconds(10),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

extension TestClientProtocol {
    /// Sends a request on a connection of its own (the live client sends its requests one after the other on one
    /// connection), so that requests sent together really run at the same time.
    func executeConcurrently(
        uri: String,
        method: HTTPRequest.Method,
        body: ByteBuffer? = nil
    ) async throws -> TestClient.Response {
        let client = TestClient(host: "127.0.0.1", port: try #require(port))
        client.connect()
        do {
            let request = TestClient.Request(uri, method: method, authority: "localhost", body: body)
            let response = try await client.execute(request)
            try await client.shutdown()
            return response
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
