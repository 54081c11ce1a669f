import InMemoryLogging
import Logging
import Testing

@testable import Invoker

/// Serving function routes without authentication beyond loopback is worth one clear warning.
@Suite("Network exposure")
struct NetworkExposureTests {
    @Test("loopback names and addresses are recognised; anything else is not")
    func loopback() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"] {
            #expect(NetworkExposure.isLoopback(host), "\(host)")
        }
        for host in ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "::2"] {
            #expect(!NetworkExposure.isLoopback(host), "\(host)")
        }
    }

    @Test("serve on 0.0.0.0 warns once, naming every unauthenticated route; on loopback it says nothing new")
    func warning() async throws {
        let environment = try TestEnvironment(functions: [
            "sleep": TestEnvironment.fixture("sleep", ["http": [["path": "/nap", "methods": ["POST"]]]]),
            "fail": TestEnvironment.fixture("fail", ["http": [["path": "/boom"]]]),
            "quiet": TestEnvironment.fixture("sleep"),
        ])
        defer { environment.remove() }
        for (host, warns) in [("0.0.0.0", true), ("127.0.0.1", false)] {
            let logs = InMemoryLogHandler()
            var configuration = environment.configuration
            configuration.host = host
            _ = try await buildApplication(configuration, logger: Logger(label: "test", factory: { _ in logs }))
            let warnings = logs.entries.filter { $0.level == .warning }
            #expect(warnings.count == (warns ? 1 : 0), "\(host): \(warnings)")
            if warns {
                #expect(warnings.first?.metadata[LogKey.routes] == "ANY /boom (fail), POST /nap (sleep)")
            }
        }
    }
}
