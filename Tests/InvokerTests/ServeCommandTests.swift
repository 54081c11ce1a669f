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

/// The `invoker` executable as a user runs it: `serve`, requests over HTTP, SIGTERM, then `logs`.
@Suite("invoker serve and logs, as a process", .everyTransport)
struct ServeCommandTests {
    @Test("SIGTERM with invocations in flight: all are answered and recorded, workers stop, exit status 0")
    func gracefulShutdown() async throws {
        let environment = try TestEnvironment(functions: [
            "sleep": TestEnvironment.fixture("sleep", ["scaling": ["max": 4], "timeout": 10])
        ])
        defer { environment.remove() }
        let (bodies, status) = try await environment.serveProcess { url, signal -> [String] in
            return try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await Self.post(url + "/function/sleep", body: #"{"ms":3000}"#) }
                }
                // Once all four are running, ask the invoker to stop.
                #expect(try await eventually { try await Self.busyWorkers(url, environment: environment) == 4 })
                // `invoker functions` shows the same from the command line, with the admin key that serve generated
                // into .invoker/admin.key beside the manifest, from where the command runs.
                let table = try await Self.invoker(["functions", "--url", url], in: environment.directory.path)
                    .split(separator: "\n")
                #expect(table.first?.hasPrefix("FUNCTION") == true)
                let columns = table.dropFirst().first?.split(separator: " ").map(String.init) ?? []
                #expect(columns.first == "sleep" && columns.dropFirst(2).first == "4", "\(table)")
                try signal(.terminate)
                var bodies: [String] = []
                for try await body in group { bodies.append(body ?? "no answer") }
                return bodies
            }
        }
        #expect(bodies == Array(repeating: #"{"slept":3000}"#, count: 4))
        #expect(status == .exited(0))

        let logs = try await Self.invoker(["logs", "--db", environment.databasePath, "--json"])
        let records = try logs.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(records.count == 4)
        #expect(records.allSatisfy { $0["function"] as? String == "sleep" && $0["status"] as? String == "success" })
        #expect(records.allSatisfy { $0["trigger"] as? String == "http" && $0["http_status"] as? Int == 200 })
        let pids = records.compactMap { $0["worker_pid"] as? Int }.map(Int32.init)
        #expect(Set(pids).count == 4)
        #expect(pids.allSatisfy { kill($0, 0) != 0 }, "no worker outlives the invoker")

        let id = try #require(records.first?["id"] as? String)
        let detail = try await Self.invoker(["logs", String(id.prefix(30)), "--db", environment.databasePath])
        #expect(detail.contains(id) && detail.contains("sleep"))
    }

    @Test("an invalid manifest stops serve with an error naming the file, function and field")
    func invalidManifest() async throws {
        let environment = try TestEnvironment(functions: ["hello": ["handler": "hello", "timeout": -1]])
        defer { environment.remove() }
        let result = try await Subprocess.run(
            .path(FilePath(TestEnvironment.invokerBinary)),
            arguments: ["serve", "--port", "0", "--manifest", environment.manifestPath],
            output: .discarded,
            error: .string(limit: 1 << 16)
        )
        #expect(result.terminationStatus != .exited(0))
        let message = result.standardError
        #expect(message.contains("function \"hello\", field \"timeout\""), "\(message)")
        #expect(message.contains("got -1"))
    }

    private static func post(_ url: String, body: String) async throws -> String? {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        return String(decoding: data, as: UTF8.self)
    }

    private static func busyWorkers(_ url: String, environment: TestEnvironment) async throws -> Int {
        let path = environment.stateDirectory + "/" + AdminKey.fileName
        let key = try #require(AdminKey.resolve(explicit: nil, environment: [:], path: path))
        var request = URLRequest(url: URL(string: url + "/system/functions")!)
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        let functions = try JSONDecoder().decode([SystemRoutes.FunctionStatus].self, from: data)
        return functions.reduce(0) { $0 + $1.workers.busy }
    }

    private static func invoker(_ arguments: [String], in directory: String? = nil) async throws -> String {
        let result = try await Subprocess.run(
            .path(FilePath(TestEnvironment.invokerBinary)),
            arguments: Arguments(arguments),
            environment: .inherit.updating(["INVOKER_API_KEY": ""]),
            workingDirectory: directory.map { FilePath($0) },
            output: .string(limit: 1 << 22),
            error: .string(limit: 1 << 16)
        )
        #expect(result.terminationStatus == .exited(0), "\(result.standardError)")
        return result.standardOutput
    }
}
