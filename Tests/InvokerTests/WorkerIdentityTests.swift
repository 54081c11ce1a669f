import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import Invoker

/// Workers of a root invoker run under user ids of their own, switched by `setpriv` in the worker's own process.
@Suite("Worker identity", .serialized, .everyTransport)
struct WorkerIdentityTests {
    @Test("the setpriv wrapping switches user and group and clears the groups; inherited runs the command as is")
    func wrapping() throws {
        #expect(try WorkerIdentity.inherited.wrapping("/bin/worker", ["a"]) == ("/bin/worker", ["a"]))
        let (executable, arguments) = try WorkerIdentity.isolated(uid: 2_000_000_007).wrapping("/bin/worker", ["a"])
        #expect(executable.hasSuffix("/setpriv"))
        #expect(arguments == ["--reuid=2000000007", "--regid=2000000007", "--clear-groups", "--", "/bin/worker", "a"])
    }

    @Test(
        "an isolated worker runs as its slot's user and group with no supplementary groups",
        .enabled(if: WorkerIdentity.canIsolate, "isolating workers needs root")
    )
    func isolatedWorker() async throws {
        let environment = try TestEnvironment(functions: ["sleep": TestEnvironment.fixture("sleep")])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let response = try await client.execute(
                uri: "/function/sleep",
                method: .post,
                body: ByteBuffer(string: #"{"ms":1}"#)
            )
            #expect(response.status == .ok)
            let pid = try #require(try await environment.waitForRecords(count: 1).first?.workerPid)
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            let fields = Dictionary(
                status.split(separator: "\n").compactMap { line -> (String, String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (
                        String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    )
                },
                uniquingKeysWith: { first, _ in first }
            )
            let uid = try #require(fields["Uid"]?.split(separator: "\t").first.flatMap { UInt32($0) })
            #expect(uid >= WorkerIdentity.base)
            #expect(fields["Gid"]?.split(separator: "\t").first == "\(uid)")
            #expect(fields["Groups"] == "")
        }
    }
}
