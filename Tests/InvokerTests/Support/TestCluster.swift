import Foundation
import NIOCore
import NIOHTTP1
import Subprocess
import Synchronization

@testable import Invoker

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Real `invoker serve` processes sharing one PostgreSQL database, behind a real nginx running `deploy/nginx.conf`
/// with the nodes' ports: what a cluster is in production, on loopback.
///
/// Each node has a folder of its own (its manifest, made by the test for that node, and its state directory); they
/// share the database and the admin key.
///
/// ```swift
/// try await TestCluster.run(database: url, manifests: [["hello": …], ["hello": …]]) { cluster in
///     let response = try await cluster.get("/hello")
/// }
/// ```
struct TestCluster: Sendable {
    /// One running node.
    struct Node: Sendable {
        /// Its name (`node-1`, …).
        var name: String
        /// Its own URL, bypassing nginx.
        var url: String
        /// Its folder.
        var environment: TestEnvironment
        /// Sends the node's process a signal.
        var signal: TestEnvironment.Signaller
    }

    /// The nodes, in order.
    let nodes: [Node]
    /// nginx's URL: the cluster's single address.
    let url: String

    /// Starts a node on `database` for each of `manifests` (the `functions` objects, in node order), and nginx in front
    /// of them; runs `body`, then stops everything (nodes gracefully, unless the test killed them) and removes the
    /// folders.
    static func run<Result: Sendable>(
        database: PostgresURL,
        manifests: [[String: Any]],
        _ body: @escaping @Sendable (TestCluster) async throws -> Result
    ) async throws -> Result {
        let environments = try manifests.map { try TestEnvironment(functions: $0) }
        defer {
            for environment in environments { environment.remove() }
        }
        return try await startNodes(environments[...], database: database, started: []) { nodes in
            try await withNginx(in: environments[0].directory, upstreams: nodes.map(\.url)) { url in
                try await body(TestCluster(nodes: nodes, url: url))
            }
        }
    }

    /// Starts a node for the first of `environments`, then (inside it) the rest, then runs `body` with all of them.
    private static func startNodes<Result: Sendable>(
        _ environments: ArraySlice<TestEnvironment>,
        database: PostgresURL,
        started: [Node],
        _ body: @escaping @Sendable ([Node]) async throws -> Result
    ) async throws -> Result {
        guard let environment = environments.first else { return try await body(started) }
        let name = "node-\(started.count + 1)"
        let options = ["--database", "\(database)", "--node-name", name, "--api-key", TestEnvironment.adminKey]
        return try await environment.serveProcess(options: options) { url, signal in
            let node = Node(name: name, url: url, environment: environment, signal: signal)
            // The node stops gracefully once the others have (a node the test killed is gone already).
            defer { try? signal(.terminate) }
            return try await startNodes(environments.dropFirst(), database: database, started: started + [node], body)
        }.result
    }

    /// Runs nginx with `deploy/nginx.conf`, its upstream servers replaced by `upstreams` and listening on a free
    /// loopback port, its files in `directory`; runs `body` with its URL once it answers, then stops it.
    private static func withNginx<Result: Sendable>(
        in directory: URL,
        upstreams: [String],
        _ body: @escaping @Sendable (String) async throws -> Result
    ) async throws -> Result {
        let port = try await TestPostgres.freePort()
        let folder = directory.appendingPathComponent("nginx")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configuration = folder.appendingPathComponent("nginx.conf")
        try nginxConfiguration(port: port, upstreams: upstreams, temporaryFolder: folder.path)
            .write(to: configuration, atomically: true, encoding: .utf8)
        let result = try await Subprocess.run(
            .path(FilePath("/usr/sbin/nginx")),
            arguments: [
                "-p", folder.path, "-c", configuration.path,
                "-g",
                "daemon off; master_process on; pid \(folder.path)/nginx.pid; error_log \(folder.path)/error.log;",
            ],
            input: .none,
            output: .discarded,
            error: .discarded
        ) { execution in
            let url = "http://127.0.0.1:\(port)"
            defer { try? execution.send(signal: .quit) }
            guard await eventually(timeout: .seconds(10), { await answers(url) }) else {
                let log = (try? String(contentsOfFile: "\(folder.path)/error.log", encoding: .utf8)) ?? ""
                throw InvokerError(.configuration, "nginx did not start: \(log)")
            }
            return try await body(url)
        }
        return result.closureResult
    }

    /// `deploy/nginx.conf` made to run in a test: the nodes' addresses as upstream servers, a loopback port, and
    /// temporary files in `temporaryFolder` (the packaged paths need root).
    static func nginxConfiguration(port: Int, upstreams: [String], temporaryFolder: String) throws -> String {
        let deployed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("deploy/nginx.conf")
        var lines: [String] = []
        var replacedServers = false
        for line in try String(contentsOf: deployed, encoding: .utf8).split(
            separator: "\n",
            omittingEmptySubsequences: false
        ) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("server 127.0.0.1:") {
                guard !replacedServers else { continue }
                replacedServers = true
                let options = trimmed.split(separator: " ").dropFirst(2).joined(separator: " ")
                for upstream in upstreams {
                    let address = upstream.replacingOccurrences(of: "http://", with: "")
                    lines.append("        server \(address) \(options)")
                }
            } else if trimmed == "listen 8080;" {
                lines.append("        listen 127.0.0.1:\(port);")
            } else if trimmed == "http {" {
                lines.append(String(line))
                for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"] {
                    lines.append("    \(kind)_temp_path \(temporaryFolder)/\(kind);")
                }
            } else {
                lines.append(String(line))
            }
        }
        guard replacedServers, lines.contains(where: { $0.contains("listen 127.0.0.1:\(port);") }) else {
            throw InvokerError(.configuration, "deploy/nginx.conf no longer has the upstream servers or listen line")
        }
        return lines.joined(separator: "\n")
    }

    /// Whether something answers HTTP at `url`.
    private static func answers(_ url: String) async -> Bool {
        (try? await request(.GET, url + "/healthz")) != nil
    }

    /// Sends one request to `url` on a connection of its own, with `body` (and its length) if given.
    static func request(
        _ method: HTTPMethod,
        _ url: String,
        body: String? = nil,
        headers: [String: String] = [:]
    ) async throws -> RawHTTPClient.Answer {
        guard let parsed = URL(string: url), let port = parsed.port else {
            throw InvokerError(.configuration, "no port in \(url)")
        }
        let client = try await RawHTTPClient(port: port)
        var headers = headers
        if let body { headers["content-length"] = "\(body.utf8.count)" }
        try await client.sendHead(
            method,
            parsed.path + (parsed.query.map { "?" + $0 } ?? ""),
            headers: headers,
            chunked: false
        )
        if let body, !body.isEmpty { try await client.sendChunk(ByteBuffer(string: body)) }
        try await client.sendEnd()
        let answer = try await client.receive()
        try? await client.close()
        return answer
    }
}
