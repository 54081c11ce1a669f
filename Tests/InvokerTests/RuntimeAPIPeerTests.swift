import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix
import Testing

@testable import Invoker

#if canImport(Glibc)
import Glibc
#endif

/// A worker's Runtime API endpoint talks to its own worker only: with workers under their own users, a connection
/// from any other user is closed before a request is read, so another function's worker cannot take invocations.
@Suite("Runtime API peer check")
struct RuntimeAPIPeerTests {
    @Test("addresses are written as /proc/net/tcp writes them, and a line's uid is found by both addresses")
    func tableFormat() throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 8080)
        #expect(TCPPeer.tableAddress(address) == "0100007F:1F90")
        let loopback6 = try SocketAddress(ipAddress: "::1", port: 443)
        #expect(TCPPeer.tableAddress(loopback6) == "00000000000000000000000001000000:01BB")
        let table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
               1: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000 2000000003  0 2 1
            """
        #expect(TCPPeer.uid(in: table, local: "0100007F:D431", remote: "0100007F:1F90") == 2_000_000_003)
        #expect(TCPPeer.uid(in: table, local: "0100007F:D432", remote: "0100007F:1F90") == nil)
    }

    @Test("socket diagnostics and the /proc tables both find the owner of a real connection's peer, and no other")
    func lookups() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let client = try await ClientBootstrap(group: group).connect(to: try #require(server.localAddress)).get()
        let peer = try #require(client.localAddress)
        let local = try #require(client.remoteAddress)
        #expect(TCPPeer.socketDiagnosticsUID(peer: peer, local: local) == getuid())
        #expect(TCPPeer.tablesUID(peer: peer, local: local) == getuid())
        let stranger = try SocketAddress(ipAddress: "127.0.0.1", port: (peer.port ?? 0) == 1 ? 2 : 1)
        #expect(TCPPeer.uid(peer: stranger, local: local) == nil)
        try await client.close()
        try await server.close()
    }

    @Test("a connection from the worker's own user is admitted: its user is found by its addresses")
    func admitsOwnUser() async throws {
        let connection = try await RuntimeAPIConnection.listen(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            peers: .user(getuid())
        ) { _ in }
        defer { connection.close(exit: .exited(0)) }
        let client = try await RawHTTPClient(port: try Self.port(of: connection))
        try await client.send(.POST, "/2018-06-01/runtime/invocation/unknown/response", chunks: ["x"])
        #expect(try await client.receive().status == .badRequest, "admitted: the request was read and answered")
        try await client.close()
    }

    @Test("a listener closes connections from other users, and every connection before it knows its worker's user")
    func refusesOtherUsers() async throws {
        for peers in [RuntimeAPIConnection.AllowedPeers.undecided, .user(getuid() &+ 12345)] {
            let connection = try await RuntimeAPIConnection.listen(
                on: MultiThreadedEventLoopGroup.singleton.next(),
                peers: peers
            ) { _ in }
            defer { connection.close(exit: .exited(0)) }
            let client = try await RawHTTPClient(port: try Self.port(of: connection))
            try? await client.send(.GET, "/2018-06-01/runtime/invocation/next")
            await #expect(throws: (any Error).self, "\(peers)") { try await client.receive() }
            try? await client.close()
        }
    }

    @Test(
        "another function's worker cannot take a worker's invocations; the worker's own are unaffected",
        .enabled(if: WorkerIdentity.canIsolate, "isolating workers needs root")
    )
    func stealing() async throws {
        let environment = try TestEnvironment(functions: [:])
        defer { environment.remove() }
        try environment.writeManifest([
            "victim": TestEnvironment.fixture("sleep", ["transport": "runtime-api"]),
            "thief": try environment.probeFunction(),
        ])
        try await environment.withInvoker { client in
            let nap = ByteBuffer(string: #"{"ms":1}"#)
            #expect(try await client.execute(uri: "/function/victim", method: .post, body: nap).status == .ok)
            let pid = try #require(try await environment.waitForRecords(count: 1).first?.workerPid)
            let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
            let target = try #require(
                environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                    .first { $0.hasPrefix("AWS_LAMBDA_RUNTIME_API=") }?.split(separator: "=").last.map(String.init)
            )
            // The thief asks for the victim's next invocation while the victim waits for it, then the victim is
            // invoked again: the thief's connection was closed unanswered, and the victim's worker answers.
            let event = try JSONSerialization.data(withJSONObject: ["steal": target])
            let response = try await client.execute(
                uri: "/2015-03-31/functions/thief/invocations",
                method: .post,
                body: ByteBuffer(data: event)
            )
            #expect(response.status == .ok)
            let result = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            )
            let outcome = try #require(result["steal"] as? String)
            #expect(["RemoteDisconnected", "ConnectionResetError", "BrokenPipeError"].contains(outcome), "\(outcome)")
            for _ in 0..<3 {
                let answer = try await client.execute(uri: "/function/victim", method: .post, body: nap)
                #expect(answer.status == .ok && String(buffer: answer.body) == #"{"slept":1}"#)
            }
            let victims = try await environment.waitForRecords(count: 5).filter { $0.function == "victim" }
            #expect(victims.count == 4 && victims.allSatisfy { $0.status == .success })
        }
    }

    private static func port(of connection: RuntimeAPIConnection) throws -> Int {
        try #require(connection.environment["AWS_LAMBDA_RUNTIME_API"]?.split(separator: ":").last.flatMap { Int($0) })
    }
}
