import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import Invoker

/// Workers run with the manifest's limits from their first instruction, and, under a root invoker, under user ids
/// of their own: the spawner's child sets both before it executes the worker.
@Suite("Worker identity", .serialized, .everyTransport)
struct WorkerIdentityTests {
    static var limits: [String: Any] { ["openFiles": 123, "cpuSeconds": 77, "processes": 55] }

    @Test(
        "an isolated worker runs as its slot's user and group with no supplementary groups and the manifest's limits",
        .enabled(if: WorkerIdentity.canIsolate, "isolating workers needs root")
    )
    func isolatedWorker() async throws {
        // The function's folder is the invoker's alone: the worker still starts in it (it changes directory before
        // it changes user).
        try await Self.withIdleWorker(folderMode: 0o700) { pid in
            let fields = try Self.status(of: pid)
            let uids = try #require(fields["Uid"]).split(separator: "\t")
            let uid = try #require(uids.first.flatMap { UInt32($0) })
            #expect(uid >= WorkerIdentity.base)
            #expect(Set(uids) == ["\(uid)"], "real, effective, saved and file-system user ids")
            #expect(Set(try #require(fields["Gid"]).split(separator: "\t")) == ["\(uid)"])
            #expect(fields["Groups"] == "")
            let limits = try Self.limits(of: pid)
            #expect(limits["Max open files"] == ["123", "123"])
            #expect(limits["Max cpu time"] == ["77", "82"])
            #expect(limits["Max core file size"] == ["0", "0"])
            #expect(limits["Max processes"] == ["55", "55"])
            // The spawner's socket never reaches a worker.
            let spawner = try #require(Spawner.shared.pid)
            let socket = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(spawner)/fd/3")
            let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap {
                try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")
            }
            #expect(!descriptors.isEmpty)
            #expect(!descriptors.contains(socket))
        }
    }

    @Test("a worker of an invoker that does not isolate runs as the invoker, with the limits but the process count")
    func inheritedWorker() async throws {
        try await Self.withIdleWorker(
            configure: { $0.isolateWorkers = false },
            check: { pid in
                let fields = try Self.status(of: pid)
                #expect(fields["Uid"]?.split(separator: "\t").first == "\(getuid())")
                let limits = try Self.limits(of: pid)
                #expect(limits["Max open files"] == ["123", "123"])
                #expect(limits["Max cpu time"] == ["77", "82"])
                #expect(limits["Max core file size"] == ["0", "0"])
                #expect(limits["Max processes"] != ["55", "55"])
            }
        )
    }

    /// Invokes a fixture worker with ``limits`` once, then runs `check` on the worker's pid while it is up. With
    /// `folderMode`, the function's folder gets that mode.
    static func withIdleWorker(
        folderMode: Int? = nil,
        configure: @escaping (inout ServerConfiguration) -> Void = { _ in },
        check: @escaping @Sendable (pid_t) throws -> Void
    ) async throws {
        let environment = try TestEnvironment(functions: [
            "sleep": TestEnvironment.fixture("sleep", ["limits": limits])
        ])
        defer { environment.remove() }
        if let folderMode {
            let folder = environment.directory.path
            try FileManager.default.setAttributes([.posixPermissions: folderMode], ofItemAtPath: folder)
        }
        try await environment.withInvoker(configure: configure) { client in
            let response = try await client.execute(
                uri: "/function/sleep",
                method: .post,
                body: ByteBuffer(string: #"{"ms":1}"#)
            )
            #expect(response.status == .ok)
            try check(try #require(try await environment.waitForRecords(count: 1).first?.workerPid))
        }
    }

    /// The fields of `/proc/<pid>/status`.
    static func status(of pid: pid_t) throws -> [String: String] {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        return Dictionary(
            status.split(separator: "\n").compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            },
            uniquingKeysWith: { first, _ in first }
        )
    }

    /// The soft and hard limits of `/proc/<pid>/limits`, by name (`Max open files`).
    static func limits(of pid: pid_t) throws -> [String: [String]] {
        let table = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8).split(separator: "\n")
        var limits: [String: [String]] = [:]
        for line in table.dropFirst() where line.count > 25 {
            let name = line.prefix(25).trimmingCharacters(in: .whitespaces)
            limits[name] = Array(line.dropFirst(25).split(separator: " ").prefix(2).map(String.init))
        }
        return limits
    }
}
