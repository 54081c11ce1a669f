import Foundation
import HTTPTypes
import HummingbirdTesting
import InMemoryLogging
import Logging
import NIOCore
import NIOFoundationCompat
import Subprocess
import Testing

@testable import Invoker

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The invoker's state is private: its folder `0700`, every file `0600`, whatever the umask, so that workers running
/// as other users cannot read the queue, the invocation log or the admin key.
@Suite("Private state")
struct StateDirectoryTests {
    @Test("under umask 000, the state directory is 0700 and every file 0600, SQLite's -wal and -shm files too")
    func permissionsUnderAnOpenUmask() async throws {
        let environment = try TestEnvironment(functions: ["sleep": TestEnvironment.fixture("sleep")])
        defer { environment.remove() }
        let (modes, status) = try await environment.serveProcess(umask: "000") { url, signal in
            var request = URLRequest(url: URL(string: url + "/function/sleep")!)
            request.httpMethod = "POST"
            request.httpBody = Data(#"{"ms":1}"#.utf8)
            _ = try await URLSession.shared.data(for: request)
            _ = try await environment.waitForRecords(count: 1)
            // While the invoker runs, its databases have their -wal and -shm files.
            let state = environment.stateDirectory
            let files = try FileManager.default.contentsOfDirectory(atPath: state).map { state + "/" + $0 }
            let database = environment.databasePath
            var modes = [state: try Self.mode(state)]
            for path in files + [database, database + "-wal", database + "-shm"] { modes[path] = try Self.mode(path) }
            try signal(.terminate)
            return modes
        }
        #expect(status == .exited(0))
        let state = environment.stateDirectory
        #expect(modes[state] == 0o700)
        for name in ["admin.key", "queue.sqlite", "queue.sqlite-wal", "queue.sqlite-shm"] {
            #expect(modes[state + "/" + name] == 0o600, "\(name): \(modes)")
        }
        #expect(modes.filter { $0.key != state }.allSatisfy { $0.value == 0o600 }, "\(modes)")
    }

    @Test("an existing state directory that others can enter is tightened to 0700, with a warning")
    func tightensAnExistingDirectory() throws {
        let environment = try TestEnvironment(functions: [:])
        defer { environment.remove() }
        try FileManager.default.createDirectory(atPath: environment.stateDirectory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: environment.stateDirectory)
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "test", factory: { _ in logs })
        try StateDirectory(beside: environment.manifestPath).prepare(logger: logger)
        #expect(try Self.mode(environment.stateDirectory) == 0o700)
        #expect(logs.entries.count == 1 && logs.entries.first?.level == .warning)
        try StateDirectory(beside: environment.manifestPath).prepare(logger: logger)
        #expect(logs.entries.count == 1, "a private directory is left as it is, silently")
    }

    @Test("an existing database and its -wal and -shm files are made 0600 when opened")
    func tightensExistingFiles() throws {
        let environment = try TestEnvironment(functions: [:])
        defer { environment.remove() }
        let path = environment.directory.appendingPathComponent("new/folder/queue.sqlite").path
        let open = try SQLiteQueueStore(path: path)
        #expect(try Self.mode(path) == 0o600)
        #expect(try Self.mode(URL(fileURLWithPath: path).deletingLastPathComponent().path) == 0o700)
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        }
        _ = try SQLiteQueueStore(path: path)
        withExtendedLifetime(open) {}
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            #expect(try Self.mode(file) == 0o600, "\(file)")
        }
    }

    @Test(
        "an isolated worker can open neither database nor the admin key, and the admin API refuses it",
        .enabled(if: WorkerIdentity.canIsolate, "isolating workers needs root")
    )
    func workerCannotReadState() async throws {
        let environment = try TestEnvironment(functions: [:])
        defer { environment.remove() }
        try environment.writeManifest(["probe": try environment.probeFunction()])
        try await environment.withInvoker(apiKey: nil) { client in
            let state = environment.stateDirectory
            let database = environment.databasePath
            let paths = [
                database, database + "-wal", database + "-shm", state + "/queue.sqlite", state + "/queue.sqlite-wal",
                state + "/admin.key",
            ]
            #expect(paths.allSatisfy { FileManager.default.fileExists(atPath: $0) })
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let admin = [base + "/system/invocations", base + "/system/queues", base + "/metrics"]
            let event = try JSONSerialization.data(withJSONObject: ["open": paths, "get": admin])
            let response = try await client.execute(
                uri: "/2015-03-31/functions/probe/invocations",
                method: .post,
                body: ByteBuffer(data: event)
            )
            #expect(response.status == .ok)
            let result = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            )
            #expect((result["uid"] as? Int).map { $0 >= Int(WorkerIdentity.base) } == true, "\(result)")
            let opened = result["open"] as? [String: String] ?? [:]
            let queried = result["sqlite"] as? [String: String] ?? [:]
            for path in paths {
                #expect(opened[path] == "PermissionError", "\(path): \(result)")
                #expect(queried[path] != nil && queried[path] != "read", "\(path): \(result)")
            }
            #expect(result["get"] as? [String: String] == Dictionary(uniqueKeysWithValues: admin.map { ($0, "401") }))
        }
    }

    /// The permission bits of the file or folder at `path`.
    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }
}
