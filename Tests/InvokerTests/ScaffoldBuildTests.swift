import Foundation
import Subprocess
import Testing

@testable import Invoker

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// What `invoker new` writes builds and serves at once: a fresh package gets a function of each kind, is built
/// against this repository's `Runtime`, and the real invoker serves all three.
@Suite("invoker new: the result builds and serves")
struct ScaffoldBuildTests {
    /// The build folder the test's package is built in, kept between runs so that later builds are incremental (the
    /// first one builds swift-nio, which takes minutes).
    static let scratchPath = ScaffoldPackage.repositoryRoot.appendingPathComponent(".build/scaffold-test").path

    @Test("an http, a json and a queue function, scaffolded, build and answer", .timeLimit(.minutes(30)))
    func buildsAndServes() async throws {
        let package = try ScaffoldPackage.buildable()
        defer { package.remove() }
        for (name, kind) in [("welcome", "http"), ("greeter", "json"), ("jobs", "queue")] {
            let result = try await package.newProcess([name, "--kind", kind])
            try #require(result.status == .exited(0), "\(result.error)")
        }

        let started = ContinuousClock.now
        let build = try await Subprocess.run(
            .name("swift"),
            arguments: ["build", "--product", "Scaffolded", "--scratch-path", Self.scratchPath],
            workingDirectory: FilePath(package.directory.path),
            output: .string(limit: 1 << 22),
            error: .string(limit: 1 << 22)
        )
        let elapsed = ContinuousClock.now - started
        print("invoker new: the scaffolded package built in \(elapsed)")
        try #require(build.terminationStatus == .exited(0), "\(build.standardOutput)\n\(build.standardError)")

        let binary = Self.scratchPath + "/debug/Scaffolded"
        let database = package.directory.appendingPathComponent("invocations.sqlite").path
        let result = try await Subprocess.run(
            .path(FilePath(TestEnvironment.invokerBinary)),
            arguments: [
                "serve", "--port", "0", "--manifest", package.directory.appendingPathComponent("functions.json").path,
                "--db", database, "--functions-binary", binary, "--api-key", TestEnvironment.adminKey,
                "--log-level", "error",
            ],
            input: .none,
            output: .sequence,
            error: .discarded
        ) { execution in
            defer { try? execution.send(signal: .terminate) }
            var lines = execution.standardOutput.strings().makeAsyncIterator()
            let banner = try #require(try await lines.next())
            let url = try #require(banner.split(separator: " ").last).trimmingCharacters(in: .whitespacesAndNewlines)

            #expect(try await Self.request(url + "/welcome") == (200, "Hello, world, from /welcome!"))
            #expect(
                try await Self.request(url + "/function/greeter", body: #"{"name":"Ada"}"#)
                    == (200, #"{"message":"Hello, Ada!"}"#)
            )
            #expect(try await Self.request(url + "/queue/jobs", body: "a job").status == 202)
            let store = try SQLiteInvocationStore(path: database)
            let processed = try await eventually(timeout: .seconds(30)) {
                try await store.list(filter: InvocationFilter(), limit: 100)
                    .contains { $0.function == "jobs" && $0.trigger == .queue && $0.status == .success }
            }
            #expect(processed, "the queue function's invocation is recorded as a success")
        }
        #expect(result.terminationStatus == .exited(0))
    }

    /// Sends a GET (or with `body`, a POST) and returns the status and the body.
    private static func request(_ url: String, body: String? = nil) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: url)!)
        if let body {
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
