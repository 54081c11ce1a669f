import ArgumentParser
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing

@testable import Invoker

/// The admin API end to end: metrics, the invocation log over HTTP, readiness, and the API key.
@Suite("Admin API, end to end", .serialized, .everyTransport)
struct AdminAPITests {
    let environment: TestEnvironment

    init() throws {
        environment = try TestEnvironment(functions: [
            "sleep": TestEnvironment.fixture("sleep"), "fail": TestEnvironment.fixture("fail"),
        ])
    }

    /// Sends three successful and one failing invocation, and waits until the log has them.
    private func invokeKnownMix(_ client: some TestClientProtocol) async throws {
        for _ in 0..<3 {
            let ok = try await client.execute(
                uri: "/function/sleep",
                method: .post,
                body: ByteBuffer(string: #"{"ms":1}"#)
            )
            #expect(ok.status == .ok)
        }
        #expect(try await client.execute(uri: "/function/fail", method: .post).status == .badGateway)
        #expect(try await environment.waitForRecords(count: 4).count == 4)
    }

    @Test("/metrics counts the invocations by function and status, and shows the workers")
    func metrics() async throws {
        defer { environment.remove() }
        try await environment.withInvoker { client in
            try await invokeKnownMix(client)
            let response = try await client.execute(
                uri: "/metrics",
                method: .get,
                headers: TestEnvironment.adminHeaders
            )
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let samples = Self.samples(String(buffer: response.body))
            #expect(samples[#"faas_invocations{function="sleep",trigger="http",status="success"}"#] == 3)
            #expect(samples[#"faas_invocations{function="fail",trigger="http",status="error"}"#] == 1)
            #expect(samples[#"faas_invocation_duration_count{function="sleep",status="success"}"#] == 3)
            #expect(samples[#"faas_cold_starts{function="sleep"}"#] == 1)
            // One worker ran them all; the autoscaler may keep one more as headroom.
            #expect((1...2).contains(samples[#"faas_workers{function="sleep",state="idle"}"#] ?? 0))
            #expect(samples["invoker_log_backlog"] != nil)
        }
    }

    @Test("/system/invocations filters and pages newest first with a cursor; one record by id or prefix")
    func invocations() async throws {
        defer { environment.remove() }
        try await environment.withInvoker { client in
            try await invokeKnownMix(client)
            var ids: [String] = []
            var cursor: String?
            repeat {
                let query = "/system/invocations?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try Self.json(
                    try await client.execute(uri: query, method: .get, headers: TestEnvironment.adminHeaders).body
                )
                let invocations = page["invocations"] as? [[String: Any]] ?? []
                ids += invocations.compactMap { $0["id"] as? String }
                cursor = page["nextCursor"] as? String
            } while cursor != nil
            #expect(ids.count == 4 && ids == ids.sorted(by: >), "newest first, every record once: \(ids)")

            let errors = try Self.json(
                try await client.execute(
                    uri: "/system/invocations?status=error",
                    method: .get,
                    headers: TestEnvironment.adminHeaders
                ).body
            )
            let failed = errors["invocations"] as? [[String: Any]] ?? []
            #expect(failed.count == 1 && failed.first?["function"] as? String == "fail")
            let bad = try await client.execute(
                uri: "/system/invocations?status=nope",
                method: .get,
                headers: TestEnvironment.adminHeaders
            )
            #expect(bad.status == .badRequest && String(buffer: bad.body).contains("unknown status"))

            let one = try await client.execute(
                uri: "/system/invocations/\(ids[0].prefix(30))",
                method: .get,
                headers: TestEnvironment.adminHeaders
            )
            #expect(try Self.json(one.body)["id"] as? String == ids[0])
            let missing = try await client.execute(
                uri: "/system/invocations/ffffffff",
                method: .get,
                headers: TestEnvironment.adminHeaders
            )
            #expect(missing.status == .notFound)

            // `invoker logs --url` reads the same API.
            let remote = try AdminClient(
                url: "http://127.0.0.1:\(try #require(client.port))",
                apiKey: TestEnvironment.adminKey
            )
            let listed = try await Logs.parse(["--url", remote.base.absoluteString, "--json", "--function", "sleep"])
                .output(from: remote, formatter: InvocationFormatter())
            #expect(listed.split(separator: "\n").count == 3)
        }
    }

    @Test("with an API key, /system and /metrics need it, no admin.key is left; other routes stay open")
    func apiKey() async throws {
        defer { environment.remove() }
        try StateDirectory.writePrivateFile(
            at: environment.stateDirectory + "/" + AdminKey.fileName,
            contents: "stale"
        )
        try await environment.withInvoker(apiKey: "s3cret") { client in
            for uri in ["/system/functions", "/system/queues", "/system/invocations", "/metrics"] {
                let missing = try await client.execute(uri: uri, method: .get)
                #expect(missing.status == .unauthorized, "\(uri)")
                #expect(missing.headers[.contentType] == "application/json")
                #expect(try Self.json(missing.body)["errorType"] as? String == "Unauthorized", "\(uri)")
            }
            let wrong = try await client.execute(
                uri: "/metrics",
                method: .get,
                headers: [.authorization: "Bearer s3cre"]
            )
            #expect(wrong.status == .unauthorized && wrong.headers[.wwwAuthenticate] == "Bearer")
            let right = try await client.execute(
                uri: "/system/functions",
                method: .get,
                headers: [.authorization: "Bearer s3cret"]
            )
            #expect(right.status == .ok)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            let function = try await client.execute(
                uri: "/function/sleep",
                method: .post,
                body: ByteBuffer(string: #"{"ms":1}"#)
            )
            #expect(function.status == .ok)
        }
        #expect(!FileManager.default.fileExists(atPath: environment.stateDirectory + "/" + AdminKey.fileName))
        #expect(BearerKey.constantTimeEqual("abc", "abc"))
        #expect(!BearerKey.constantTimeEqual("abc", "abd") && !BearerKey.constantTimeEqual("abc", "ab"))
    }

    @Test("without a key, serve generates one into the state directory's admin.key, 0600, and requires it")
    func generatedKey() async throws {
        defer { environment.remove() }
        try await environment.withInvoker(apiKey: nil) { client in
            let path = environment.stateDirectory + "/" + AdminKey.fileName
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            let key = try #require(AdminKey.resolve(explicit: nil, environment: [:], path: path))
            #expect(key.count == 64)
            #expect(try await client.execute(uri: "/system/functions", method: .get).status == .unauthorized)
            let wrong = try await client.execute(
                uri: "/system/functions",
                method: .get,
                headers: TestEnvironment.adminHeaders
            )
            #expect(wrong.status == .unauthorized)
            let right = try await client.execute(
                uri: "/system/functions",
                method: .get,
                headers: [.authorization: "Bearer \(key)"]
            )
            #expect(right.status == .ok)
            // The CLI's client finds the key in the file when it is given none.
            let url = "http://127.0.0.1:\(try #require(client.port))"
            let remote = try AdminClient(
                url: url,
                apiKey: AdminKey.resolve(explicit: nil, environment: [:], path: path)
            )
            let listed = try await Logs.parse(["--url", url, "--json"]).output(from: remote, formatter: .init())
            #expect(listed.isEmpty)
        }
    }

    private static func json(_ body: ByteBuffer) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
    }

    /// The samples of a Prometheus text exposition, by name and labels.
    private static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }
}
