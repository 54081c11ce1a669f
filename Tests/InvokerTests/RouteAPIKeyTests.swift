import ArgumentParser
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Subprocess
import Testing

@testable import Invoker

/// Routes with `{"apiKey": {}}` auth, end to end: a real invoker, real workers, real sockets.
@Suite("Route auth: API keys", .serialized)
struct RouteAPIKeyTests {
    static let keyFile = """
        # name key
        ci        ci-key-0123456789abcdef
        partner   partner-key-0123456789abcdef

        """

    /// A manifest with an `event` fixture behind API keys (any key), one behind the `ci` key only, and an open one.
    static func environment() throws -> (TestEnvironment, String) {
        let environment = try TestEnvironment(functions: [
            "guarded": TestEnvironment.fixture(
                "event",
                ["http": [["path": "/guarded", "methods": ["GET", "POST"], "auth": ["apiKey": [:] as [String: Any]]]]]
            ),
            "ci-only": TestEnvironment.fixture(
                "event",
                ["http": [["path": "/ci-only", "auth": ["apiKey": ["keys": ["ci"]]]]]]
            ),
        ])
        let path = environment.directory.appendingPathComponent("api-keys").path
        try keyFile.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return (environment, path)
    }

    @Test(
        "missing and wrong keys get 401, a key not allowed 403, never reaching a worker; the right key reaches it by name"
    )
    func keys() async throws {
        let (environment, path) = try Self.environment()
        defer { environment.remove() }
        let keyFile: (inout ServerConfiguration) -> Void = { $0.apiKeysPath = path }
        try await environment.withInvoker(configure: keyFile) { client in
            let missing = try await client.execute(uri: "/guarded", method: .get)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate]?.hasPrefix("ApiKey") == true)
            let body = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: missing.body)) as? [String: String]
            )
            #expect(body["errorType"] == "Unauthorized")
            #expect(body["errorMessage"]?.contains("x-api-key") == true)

            let wrong = try await client.execute(
                uri: "/guarded",
                method: .get,
                headers: [.apiKey: "ci-key-0123456789abcdeX"]
            )
            #expect(wrong.status == .unauthorized)
            let notAllowed = try await client.execute(
                uri: "/ci-only",
                method: .get,
                headers: [.apiKey: "partner-key-0123456789abcdef"]
            )
            #expect(notAllowed.status == .forbidden)
            #expect(String(buffer: notAllowed.body).contains(#"\"partner\" is not allowed"#))

            // No worker was started for any of these.
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: TestEnvironment.adminHeaders)
            let text = String(buffer: metrics.body)
            #expect(text.contains(#"faas_auth_failures{function="guarded",reason="missing"} 1"#))
            #expect(text.contains(#"faas_auth_failures{function="ci-only",reason="not_allowed"} 1"#))
            #expect(!text.contains("faas_cold_starts"))

            let allowed = try await client.execute(
                uri: "/ci-only?x=1",
                method: .get,
                headers: [.apiKey: "ci-key-0123456789abcdef"]
            )
            #expect(allowed.status == .ok)
            let event = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: allowed.body)) as? [String: Any]
            )
            let context = try #require(event["requestContext"] as? [String: Any])
            let authorizer = try #require(context["authorizer"] as? [String: Any])
            #expect((authorizer["apiKey"] as? [String: Any])?["name"] as? String == "ci")
            // The key itself never reaches the function.
            #expect((event["headers"] as? [String: String])?["x-api-key"] == nil)
            #expect(!String(buffer: allowed.body).contains("ci-key-0123456789abcdef"))
        }
        let records = try await environment.records()
        let refused = records.filter { $0.status == .unauthorized }
        #expect(refused.count == 3)
        #expect(refused.allSatisfy { $0.workerPid == nil && $0.durationMs == 0 })
        #expect(Set(refused.compactMap(\.httpStatus)) == [401, 403])
        let success = try #require(records.first { $0.status == .success })
        #expect(success.caller == "ci")
        #expect(success.function == "ci-only")
    }

    @Test(
        "an attacker cannot go around a guarded route: /function, /async-function and the Invoke API need the admin key"
    )
    func genericPaths() async throws {
        let (environment, path) = try Self.environment()
        defer { environment.remove() }
        let keyFile: (inout ServerConfiguration) -> Void = { $0.apiKeysPath = path }
        try await environment.withInvoker(configure: keyFile) { client in
            for (uri, method) in [
                ("/function/guarded", HTTPRequest.Method.get), ("/function/guarded/deep/path", .post),
                ("/async-function/guarded", .post), ("/2015-03-31/functions/guarded/invocations", .post),
            ] {
                let anonymous = try await client.execute(uri: uri, method: method, body: ByteBuffer(string: "{}"))
                #expect(anonymous.status == .unauthorized, "\(uri)")
                // A route's API key is not the admin key.
                let withKey = try await client.execute(
                    uri: uri,
                    method: method,
                    headers: [.apiKey: "ci-key-0123456789abcdef", .authorization: "Bearer ci-key-0123456789abcdef"],
                    body: ByteBuffer(string: "{}")
                )
                #expect(withKey.status == .unauthorized, "\(uri)")
            }
            let admin = try await client.execute(
                uri: "/function/guarded",
                method: .get,
                headers: TestEnvironment.adminHeaders
            )
            #expect(admin.status == .ok)
            // The admin key is not passed on to the function.
            #expect(!String(buffer: admin.body).contains(TestEnvironment.adminKey))
            let invoke = try await client.execute(
                uri: "/2015-03-31/functions/guarded/invocations",
                method: .post,
                headers: TestEnvironment.adminHeaders,
                body: ByteBuffer(string: "{}")
            )
            #expect(invoke.status == .ok)
        }
        let refused = try await environment.records().filter { $0.status == .unauthorized }
        #expect(refused.count == 8)
        #expect(refused.allSatisfy { $0.workerPid == nil })
    }

    @Test("a route with apiKey auth and no --api-keys, or allowing a name the file lacks, fails the start")
    func startErrors() async throws {
        let (environment, path) = try Self.environment()
        defer { environment.remove() }
        await #expect {
            try await environment.withInvoker { _ in }
        } throws: { error in
            "\(error)".contains("--api-keys") && "\(error)".contains("http[0].auth.apiKey")
        }
        try "partner partner-key-0123456789abcdef\n".write(toFile: path, atomically: true, encoding: .utf8)
        await #expect {
            let keyFile: (inout ServerConfiguration) -> Void = { $0.apiKeysPath = path }
            try await environment.withInvoker(configure: keyFile) { _ in }
        } throws: { error in
            "\(error)".contains(#""ci" is not a key name"#)
        }
    }

    @Test("SIGHUP rereads the key file: a removed key stops working, a new one works, a broken file keeps the keys")
    func rotation() async throws {
        let (environment, path) = try Self.environment()
        defer { environment.remove() }
        let (_, status) = try await environment.serveProcess(options: ["--api-keys", path]) { url, signal in
            let client = TestClient(host: "127.0.0.1", port: try #require(URL(string: url)?.port))
            client.connect()
            #expect(try await Self.status(client, "/guarded", apiKey: "partner-key-0123456789abcdef") == 200)
            try "ci ci-key-0123456789abcdef\nnew new-key-0123456789abcdef\n".write(
                toFile: path,
                atomically: true,
                encoding: .utf8
            )
            try signal(.terminalClosed)
            #expect(
                try await eventually {
                    try await Self.status(client, "/guarded", apiKey: "new-key-0123456789abcdef") == 200
                }
            )
            #expect(try await Self.status(client, "/guarded", apiKey: "partner-key-0123456789abcdef") == 401)
            // A file that does not parse is refused; the keys stay as they were.
            try "ci\n".write(toFile: path, atomically: true, encoding: .utf8)
            try signal(.terminalClosed)
            try "ci ci-key-0123456789abcdef\nlast last-key-0123456789abcdef\n".write(
                toFile: path,
                atomically: true,
                encoding: .utf8
            )
            try signal(.terminalClosed)
            #expect(
                try await eventually {
                    try await Self.status(client, "/guarded", apiKey: "last-key-0123456789abcdef") == 200
                }
            )
            #expect(try await Self.status(client, "/guarded", apiKey: "new-key-0123456789abcdef") == 401)
            try await client.shutdown()
            try signal(.terminate)
        }
        #expect(status == .exited(0))
        // `invoker logs --status unauthorized` finds the refused requests.
        let output = try await Logs.parse(["--status", "unauthorized", "--json"])
            .output(from: try SQLiteInvocationStore(path: environment.databasePath), formatter: InvocationFormatter())
        let lines = output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains(#""status":"unauthorized""#) && $0.contains(#""http_status":401"#) })
        let success = try await environment.records().filter { $0.status == .success }
        #expect(Set(success.compactMap(\.caller)) == ["partner", "new", "last"])
    }

    /// The status of a GET of `uri` with `apiKey`.
    static func status(_ client: TestClient, _ uri: String, apiKey: String) async throws -> Int {
        let response = try await client.execute(TestClient.Request(uri, method: .get, headers: [.apiKey: apiKey]))
        return Int(response.status.code)
    }
}
