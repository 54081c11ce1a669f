import Foundation
import Subprocess
import Synchronization
import Testing

@testable import Invoker

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Reloads of a running `invoker serve` process: SIGHUP, `invoker reload`, and `serve --watch` on a small package.
@Suite("Reloads, end to end")
struct ReloadTests {
    /// The admin key every invoker of these tests takes.
    static let keyOptions = ["--api-key", TestEnvironment.adminKey]

    @Test(
        "serve --watch: a source edit is built and served, a compile error is shown and keeps the old version, manifest edits are followed and an invalid one is kept out",
        .timeLimit(.minutes(10))
    )
    func watch() async throws {
        let environment = try TestEnvironment(functions: [:])
        defer { environment.remove() }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("WatchPackage")
        for item in ["Package.swift", "Sources", "functions.json"] {
            let target = environment.directory.appendingPathComponent(item)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: package.appendingPathComponent(item), to: target)
        }
        let greeting = environment.directory.appendingPathComponent("Sources/Functions/Greeting.swift")
        let errors = ProcessOutput()
        _ = try await environment.serveProcess(
            options: ["--watch"] + Self.keyOptions,
            functionsBinary: nil,
            errors: errors
        ) { base, signal in
            #expect(await HTTPProbe.send("GET", "\(base)/greet").body == "version 1")
            let first = try await HTTPProbe.generations(base)["greet"]

            try Data("let greeting = \"version 2\"\n".utf8).write(to: greeting)
            #expect(
                await eventually(timeout: .seconds(180)) {
                    await HTTPProbe.send("GET", "\(base)/greet").body == "version 2"
                }
            )
            let second = try await HTTPProbe.generations(base)["greet"]
            #expect(second != nil && second != first)

            try Data("let greeting = \n".utf8).write(to: greeting)
            #expect(try await errors.waitFor("The build failed", timeout: .seconds(180)), "\(errors.text)")
            #expect(errors.text.contains("Greeting.swift") && errors.text.contains("error:"), "\(errors.text)")
            #expect(await HTTPProbe.send("GET", "\(base)/greet").body == "version 2")
            #expect(try await HTTPProbe.generations(base)["greet"] == second)

            let manifest = environment.directory.appendingPathComponent("functions.json")
            try Data(
                """
                {"functions": {
                  "greet": {"handler": "greet", "transport": "runtime-api", "http": [{"path": "/greet", "methods": ["GET"]}]},
                  "hi": {"handler": "greet", "transport": "runtime-api", "http": [{"path": "/hi", "methods": ["GET"]}]}
                }}
                """.utf8
            ).write(to: manifest)
            #expect(await eventually(timeout: .seconds(60)) { await HTTPProbe.send("GET", "\(base)/hi").status == 200 })

            try Data(#"{"functions": {"greet": {"handler": 5}}}"#.utf8).write(to: manifest)
            #expect(try await errors.waitFor("reload refused", timeout: .seconds(60)), "\(errors.text)")
            #expect(errors.text.contains("functions.json") && errors.text.contains("handler"), "\(errors.text)")
            #expect(await HTTPProbe.send("GET", "\(base)/hi").body == "version 2")
            try signal(.terminate)
        }
    }

    @Test("SIGHUP: an invocation in flight finishes on the old generation while new ones run on the new one")
    func hangupInFlight() async throws {
        let environment = try TestEnvironment(functions: [
            "slow": TestEnvironment.fixture("sleep", ["environment": ["V": "1"]])
        ])
        defer { environment.remove() }
        _ = try await environment.serveProcess(options: Self.keyOptions) { base, signal in
            let old = try #require(try await HTTPProbe.generations(base)["slow"])
            let inFlight = Task { await HTTPProbe.send("POST", "\(base)/function/slow", body: #"{"ms":1500}"#) }
            #expect(await eventually { (try? await Self.busyWorkers(base, "slow")) == 1 })
            try environment.writeManifest(["slow": TestEnvironment.fixture("sleep", ["environment": ["V": "2"]])])
            try signal(.terminalClosed)
            #expect(await eventually { (try? await HTTPProbe.generations(base)["slow"]).flatMap { $0 } != old })
            let new = try #require(try await HTTPProbe.generations(base)["slow"])
            #expect(await HTTPProbe.send("POST", "\(base)/function/slow", body: #"{"ms":10}"#).status == 200)
            #expect(await inFlight.value.status == 200)
            #expect(await eventually { (try? await Self.records(base, "slow").count) == 2 })
            let records = try await Self.records(base, "slow")
            #expect(records.first { $0["request_bytes"] as? Int == 11 }?["generation"] as? String == old)
            #expect(records.first { $0["request_bytes"] as? Int == 9 }?["generation"] as? String == new)
            #expect(records.allSatisfy { $0["status"] as? String == "success" })
            try signal(.terminate)
        }
    }

    @Test(
        "invoker reload: changed functions get new workers, unchanged ones keep theirs, removed ones answer 404, a generation that cannot start keeps the old one, and an invalid manifest changes nothing"
    )
    func reloadCommand() async throws {
        @Sendable func sleep(_ settings: [String: Any]) -> [String: Any] { TestEnvironment.fixture("sleep", settings) }
        let environment = try TestEnvironment(functions: ["a": sleep([:]), "b": sleep([:]), "c": sleep([:])])
        defer { environment.remove() }
        _ = try await environment.serveProcess(options: Self.keyOptions) { base, signal in
            let before = try await HTTPProbe.generations(base)
            try environment.writeManifest([
                "a": sleep(["scaling": ["max": 2]]), "b": sleep(["environment": ["V": "2"]]), "d": sleep([:]),
            ])
            let (report, _) = try await Self.reload(base)
            #expect(report?.reloaded == true && report?.unchanged == ["a"] && report?.removed == ["c"])
            #expect(report?.replaced.keys.sorted() == ["b"] && report?.added.keys.sorted() == ["d"])
            let after = try await HTTPProbe.generations(base)
            #expect(after["a"] == before["a"] && after["b"] != before["b"] && after["c"] == nil)
            #expect(await HTTPProbe.send("POST", "\(base)/function/c", body: #"{"ms":1}"#).status == 404)
            #expect(await HTTPProbe.send("POST", "\(base)/function/d", body: #"{"ms":1}"#).status == 200)

            try environment.writeManifest([
                "a": sleep(["scaling": ["max": 2]]), "b": TestEnvironment.fixture("no-such-handler"), "d": sleep([:]),
            ])
            let (failing, _) = try await Self.reload(base)
            #expect(failing?.failed.keys.sorted() == ["b"], "\(String(describing: failing))")
            #expect(try await HTTPProbe.generations(base)["b"] == after["b"])
            #expect(await HTTPProbe.send("POST", "\(base)/function/b", body: #"{"ms":1}"#).status == 200)

            try Data(#"{"functions": {"a": {"handler": "sleep", "timeout": "long"}}}"#.utf8).write(
                to: URL(fileURLWithPath: environment.manifestPath)
            )
            let (refused, output) = try await Self.reload(base)
            #expect(refused?.reloaded == false, "\(output)")
            #expect(refused?.error?.contains("functions.json: function \"a\", field \"timeout\"") == true, "\(output)")
            #expect(await HTTPProbe.send("POST", "\(base)/function/d", body: #"{"ms":1}"#).status == 200)
            try signal(.terminate)
        }
    }

    @Test("no request fails while reloads swap a function's generation under load")
    func swapUnderLoad() async throws {
        let environment = try TestEnvironment(functions: [
            "w": TestEnvironment.fixture("sleep", ["scaling": ["max": 8]])
        ])
        defer { environment.remove() }
        _ = try await environment.serveProcess(options: Self.keyOptions) { base, signal in
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                let done = StopFlag()
                for _ in 0..<8 {
                    group.addTask {
                        var statuses: [Int] = []
                        while !done.isSet {
                            statuses.append(
                                await HTTPProbe.send("POST", "\(base)/function/w", body: #"{"ms":5}"#).status
                            )
                            done.count()
                        }
                        return statuses
                    }
                }
                for round in 1...5 {
                    // Each swap happens with requests answered before it and after the last one.
                    let answered = done.answered
                    #expect(await eventually(timeout: .seconds(60)) { done.answered >= answered + 20 })
                    try environment.writeManifest([
                        "w": TestEnvironment.fixture(
                            "sleep",
                            ["scaling": ["max": 8], "environment": ["ROUND": "\(round)"]]
                        )
                    ])
                    let (report, _) = try await Self.reload(base, command: false)
                    #expect(report?.replaced["w"] != nil, "\(String(describing: report))")
                }
                let answered = done.answered
                #expect(await eventually(timeout: .seconds(60)) { done.answered >= answered + 20 })
                done.set()
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.count >= 120)
            #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses.filter { $0 != 200 })")
            try signal(.terminate)
        }
    }

    /// Reloads the invoker at `base`: with `invoker reload --json` (its report and its whole output), or with
    /// `POST /system/reload` when `command` is false.
    static func reload(_ base: String, command: Bool = true) async throws -> (ReloadReport?, String) {
        guard command else {
            let (_, body) = await HTTPProbe.send("POST", "\(base)/system/reload", admin: true)
            return (try? JSONDecoder().decode(ReloadReport.self, from: Data(body.utf8)), body)
        }
        let result = try await Subprocess.run(
            .path(FilePath(TestEnvironment.invokerBinary)),
            arguments: ["reload", "--url", base, "--api-key", TestEnvironment.adminKey, "--json"],
            output: .string(limit: 1 << 20),
            error: .string(limit: 1 << 20)
        )
        let output = result.standardOutput
        return (try? JSONDecoder().decode(ReloadReport.self, from: Data(output.utf8)), output + result.standardError)
    }

    /// The busy workers of `function`.
    static func busyWorkers(_ base: String, _ function: String) async throws -> Int? {
        let functions = try await HTTPProbe.adminJSON("\(base)/system/functions") as? [[String: Any]] ?? []
        let status = functions.first { $0["name"] as? String == function }
        return (status?["workers"] as? [String: Any])?["busy"] as? Int
    }

    /// The records of `function`, newest first.
    static func records(_ base: String, _ function: String) async throws -> [[String: Any]] {
        let document = try await HTTPProbe.adminJSON("\(base)/system/invocations?function=\(function)")
        return (document as? [String: Any])?["invocations"] as? [[String: Any]] ?? []
    }
}

/// The load's clients' shared state: the requests answered so far, and whether to stop.
private final class StopFlag: Sendable {
    private let value = Mutex((answered: 0, stopped: false))

    /// Whether the clients should stop.
    var isSet: Bool { value.withLock { $0.stopped } }
    /// How many requests were answered.
    var answered: Int { value.withLock { $0.answered } }

    /// Tells the clients to stop.
    func set() {
        value.withLock { $0.stopped = true }
    }

    /// Counts one answered request.
    func count() {
        value.withLock { $0.answered += 1 }
    }
}
