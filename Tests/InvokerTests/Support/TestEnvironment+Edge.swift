import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOPosix
import Runtime

@testable import Invoker

extension TestEnvironment {
    /// A manifest with a route of each kind the edge tests probe: `POST /echo` and `POST /greet` answer with their
    /// event, `words` consumes the queue `words`.
    static var edgeFunctions: [String: Any] {
        [
            "echo": fixture("event", ["http": [["path": "/echo", "methods": ["POST"]]]]),
            "greet": fixture("event", ["http": [["path": "/greet", "methods": ["POST"]]]]),
            "words": fixture("event", ["queue": ["name": "words"]]),
        ]
    }

    /// Runs the invoker in this process with the edge policy `edge`, and calls `body` with the port it listens on.
    func withEdgeInvoker(
        _ edge: HTTPEdgePolicy = HTTPEdgePolicy(),
        _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws {
        var logger = Logger(label: "invoker-test")
        logger.logLevel = .warning
        var configuration = configuration
        configuration.edge = edge
        let app = try await buildApplication(configuration, logger: logger)
        try await withTaskExecutorPreference(EventLoopGroupTaskExecutor(MultiThreadedEventLoopGroup.singleton)) {
            try await app.test(.live) { client in
                // The test client's own connection is open before `body` counts connections.
                _ = try await client.execute(uri: "/healthz", method: .get)
                try await body(client.port!)
            }
        }
    }

    /// How many descriptors this process has open.
    static var openDescriptors: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    /// Polls until this process has at most `limit` descriptors open; returns the last count.
    static func descriptors(settleAtMost limit: Int, timeout: Duration = .seconds(10)) async -> Int {
        _ = await eventually(timeout: timeout) { openDescriptors <= limit }
        return openDescriptors
    }

    /// How many accepted connections on `port` a process still holds a descriptor of: the sockets of
    /// `/proc/net/tcp{,6}` whose local port is `port`, other than the listener, that have an inode. (Counting this
    /// process's descriptors would count what other suites running beside it open.)
    static func serverConnections(port: Int) -> Int {
        var count = 0
        for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let table = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            for line in table.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, let colon = fields[1].lastIndex(of: ":"),
                    Int(fields[1][fields[1].index(after: colon)...], radix: 16) == port
                else { continue }
                let listening = fields[3] == "0A"
                if !listening && fields[9] != "0" { count += 1 }
            }
        }
        return count
    }

    /// Polls until at most `limit` connections on `port` are held open; returns the last count.
    static func serverConnections(port: Int, settleAtMost limit: Int, timeout: Duration = .seconds(10)) async -> Int {
        _ = await eventually(timeout: timeout) { serverConnections(port: port) <= limit }
        return serverConnections(port: port)
    }
}
