import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Synchronization
import Testing

@testable import Invoker

/// Routes with a JWT authorizer, end to end: tokens signed in the test with a generated RSA and EC key, the JWKS
/// from a file and from a loopback URL the test serves.
@Suite("Route auth: JWT", .serialized)
struct RouteJWTTests {
    static let issuer = "https://id.example.com/"

    /// The `auth` member of a JWT route.
    static func auth(jwks: String, scopes: [String] = []) -> [String: Any] {
        ["jwt": ["issuer": issuer, "audience": ["orders-api", "mobile"], "jwks": jwks, "scopes": scopes]]
    }

    /// A manifest whose `orders` function echoes its event behind JWT routes, and a `locked` function that the test
    /// only ever calls with bad tokens.
    static func environment(signer: TestSigner, remoteJWKS: String) throws -> TestEnvironment {
        let environment = try TestEnvironment(functions: [
            "orders": TestEnvironment.fixture(
                "event",
                [
                    "http": [
                        ["path": "/orders", "auth": auth(jwks: "jwks.json")],
                        ["path": "/orders/admin", "auth": auth(jwks: "jwks.json", scopes: ["orders:admin", "root"])],
                        ["path": "/remote", "auth": auth(jwks: remoteJWKS)],
                    ]
                ]
            ),
            "locked": TestEnvironment.fixture(
                "event",
                ["http": [["path": "/locked", "auth": auth(jwks: "jwks.json")]]]
            ),
        ])
        try signer.jwks.write(
            to: environment.directory.appendingPathComponent("jwks.json"),
            atomically: true,
            encoding: .utf8
        )
        return environment
    }

    /// Serves `jwks` at `/jwks.json` on a loopback port while `body` runs.
    static func withJWKSServer(
        _ jwks: ServedJWKS,
        _ body: @escaping @Sendable (_ url: String) async throws -> Void
    ) async throws {
        let router = Router()
        router.get("/jwks.json") { _, _ in
            Response.json(status: .ok, jwks.text)
        }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            .test(.live) { client in
                try await body("http://127.0.0.1:\(try #require(client.port))/jwks.json")
            }
    }

    @Test("valid RS256 and ES256 tokens reach the function with claims and scopes as API Gateway shapes them")
    func valid() async throws {
        let signer = try TestSigner()
        let jwks = ServedJWKS(signer.jwks)
        try await Self.withJWKSServer(jwks) { url in
            let environment = try Self.environment(signer: signer, remoteJWKS: url)
            defer { environment.remove() }
            try await environment.withInvoker { client in
                let claims = TestSigner.claims(extra: ["groups": ["a", "b"], "admin": false, "scope": "orders:read"])
                for algorithm in ["RS256", "ES256"] {
                    let token = try signer.token(claims, algorithm: algorithm)
                    let response = try await client.execute(
                        uri: "/orders",
                        method: .get,
                        headers: [.authorization: "Bearer \(token)"]
                    )
                    #expect(response.status == .ok, "\(algorithm): \(String(buffer: response.body))")
                    let event = try #require(
                        try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    )
                    let context = try #require(event["requestContext"] as? [String: Any])
                    let jwt = try #require((context["authorizer"] as? [String: Any])?["jwt"] as? [String: Any])
                    let values = try #require(jwt["claims"] as? [String: String])
                    #expect(values["sub"] == "user-42")
                    #expect(values["iss"] == Self.issuer)
                    #expect(values["exp"] == String(claims["exp"] as! Int))
                    #expect(values["groups"] == "[a b]")
                    #expect(values["admin"] == "false")
                    // A route without scopes gets "scopes": null, as API Gateway sends it.
                    #expect(jwt.keys.contains("scopes") && jwt["scopes"] is NSNull)
                }
                // With route scopes, the token's scopes come along.
                let scoped = try signer.token(TestSigner.claims(extra: ["scope": "orders:read orders:admin"]))
                let admin = try await client.execute(
                    uri: "/orders/admin",
                    method: .get,
                    headers: [.authorization: "Bearer \(scoped)"]
                )
                #expect(admin.status == .ok)
                let event = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: admin.body)) as? [String: Any]
                )
                let jwt = ((event["requestContext"] as? [String: Any])?["authorizer"] as? [String: Any])?["jwt"]
                #expect((jwt as? [String: Any])?["scopes"] as? [String] == ["orders:read", "orders:admin"])
                // `scp` as a list works too, and `client_id` stands in for a missing `aud`.
                var viaClientID = TestSigner.claims(extra: ["scp": ["root"], "client_id": "mobile"])
                viaClientID["aud"] = nil
                let second = try await client.execute(
                    uri: "/orders/admin",
                    method: .get,
                    headers: [.authorization: "Bearer \(try signer.token(viaClientID, algorithm: "ES256"))"]
                )
                #expect(second.status == .ok)
                // The JWKS from the URL.
                let remote = try await client.execute(
                    uri: "/remote",
                    method: .get,
                    headers: [.authorization: "Bearer \(try signer.token(TestSigner.claims()))"]
                )
                #expect(remote.status == .ok)
            }
            let records = try await environment.records()
            #expect(records.count == 5)
            #expect(records.allSatisfy { $0.status == .success && $0.caller == "user-42" })
        }
    }

    @Test("bad tokens get 401 (403 for a missing scope) with WWW-Authenticate, and never reach a worker")
    func refused() async throws {
        let signer = try TestSigner()
        let other = try TestSigner()
        let jwks = ServedJWKS(signer.jwks)
        try await Self.withJWKSServer(jwks) { url in
            let environment = try Self.environment(signer: signer, remoteJWKS: url)
            defer { environment.remove() }
            let now = Int(Date().timeIntervalSince1970)
            let good = try signer.token(TestSigner.claims())
            let cases: [(name: String, token: String?, path: String, status: Int)] = [
                ("no token", nil, "/locked", 401),
                ("not a JWT", "abc.def", "/locked", 401),
                ("expired beyond the leeway", try signer.token(TestSigner.claims(expiresIn: -120)), "/locked", 401),
                ("no exp", try signer.token(TestSigner.claims().filter { $0.key != "exp" }), "/locked", 401),
                ("nbf in the future", try signer.token(TestSigner.claims(extra: ["nbf": now + 600])), "/locked", 401),
                ("wrong audience", try signer.token(TestSigner.claims(audience: "billing-api")), "/locked", 401),
                (
                    "wrong audience list", try signer.token(TestSigner.claims(audience: ["billing", "x"])), "/locked",
                    401
                ),
                (
                    "wrong issuer", try signer.token(TestSigner.claims(issuer: "https://evil.example.com/")), "/locked",
                    401
                ),
                ("unknown kid", try signer.token(TestSigner.claims(), kid: "rsa-9"), "/locked", 401),
                (
                    // One parser reads the first `aud`, another the last: the token is refused, whichever it meant.
                    "a repeated claim",
                    try signer.token(
                        claimsJSON: Data(
                            #"{"aud":"orders-api","exp":\#(now + 3600),"iss":"https://id.example.com/","aud":"x"}"#.utf8
                        )
                    ),
                    "/locked", 401
                ),
                ("another key, same kid", try other.token(TestSigner.claims()), "/locked", 401),
                (
                    "ES key named for RS256", try signer.token(TestSigner.claims(), algorithm: "RS256", kid: "ec-1"),
                    "/locked", 401
                ),
                (
                    "tampered payload",
                    try TestSigner.tampered(good, claims: TestSigner.claims(extra: ["sub": "admin"])),
                    "/locked", 401
                ),
                ("alg none", try signer.token(TestSigner.claims(), algorithm: "none"), "/locked", 401),
                (
                    "HS256 signed with the RSA public key", try signer.token(TestSigner.claims(), algorithm: "HS256"),
                    "/locked", 401
                ),
                ("missing scope", good, "/orders/admin", 403),
                (
                    "wrong scope", try signer.token(TestSigner.claims(extra: ["scope": "orders:read"])),
                    "/orders/admin", 403
                ),
            ]
            try await environment.withInvoker { client in
                for (name, token, path, status) in cases {
                    let headers: HTTPFields = token.map { [.authorization: "Bearer \($0)"] } ?? [:]
                    let response = try await client.execute(uri: path, method: .get, headers: headers)
                    #expect(Int(response.status.code) == status, "\(name): \(String(buffer: response.body))")
                    let challenge = response.headers[.wwwAuthenticate] ?? ""
                    switch (status, token) {
                    case (403, _): #expect(challenge.hasPrefix(#"Bearer error="insufficient_scope""#), "\(name)")
                    case (_, nil): #expect(challenge == "Bearer", "\(name)")
                    default: #expect(challenge.hasPrefix(#"Bearer error="invalid_token""#), "\(name)")
                    }
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                    #expect(body?["errorType"] == (status == 403 ? "Forbidden" : "Unauthorized"), "\(name)")
                }
                // Within the 60-second leeway, an expired or not-yet-valid token still passes.
                for claims in [TestSigner.claims(expiresIn: -30), TestSigner.claims(extra: ["nbf": now + 30])] {
                    let response = try await client.execute(
                        uri: "/orders",
                        method: .get,
                        headers: [.authorization: "Bearer \(try signer.token(claims))"]
                    )
                    #expect(response.status == .ok)
                }
                let metrics = try await client.execute(
                    uri: "/metrics",
                    method: .get,
                    headers: TestEnvironment.adminHeaders
                )
                let text = String(buffer: metrics.body)
                #expect(text.contains(#"faas_auth_failures{function="locked",reason="expired"} 2"#))
                #expect(text.contains(#"faas_auth_failures{function="orders",reason="insufficient_scope"} 2"#))
                #expect(!text.contains(#"faas_cold_starts{function="locked"}"#))
            }
            let records = try await environment.records()
            let refused = records.filter { $0.status == .unauthorized }
            #expect(refused.count == cases.count)
            #expect(refused.allSatisfy { $0.workerPid == nil && $0.caller == nil })
            #expect(records.filter { $0.function == "locked" }.allSatisfy { $0.status == .unauthorized })
        }
    }

    @Test("a JWKS URL is fetched again for an unknown kid, so a rotated key works; a missing JWKS file fails the start")
    func rotation() async throws {
        let signer = try TestSigner()
        let rotated = try TestSigner()
        let jwks = ServedJWKS(signer.jwks)
        try await Self.withJWKSServer(jwks) { url in
            let environment = try Self.environment(signer: signer, remoteJWKS: url)
            defer { environment.remove() }
            let eager: (inout ServerConfiguration) -> Void = { $0.jwksRefreshInterval = .zero }
            try await environment.withInvoker(configure: eager) { client in
                let token = try rotated.token(TestSigner.claims(), kid: "rsa-2")
                let before = try await client.execute(
                    uri: "/remote",
                    method: .get,
                    headers: [.authorization: "Bearer \(token)"]
                )
                #expect(before.status == .unauthorized)
                jwks.text = rotated.jwks.replacingOccurrences(of: #""rsa-1""#, with: #""rsa-2""#)
                let after = try await client.execute(
                    uri: "/remote",
                    method: .get,
                    headers: [.authorization: "Bearer \(token)"]
                )
                #expect(after.status == .ok)
            }
            try FileManager.default.removeItem(at: environment.directory.appendingPathComponent("jwks.json"))
            await #expect {
                try await environment.withInvoker { _ in }
            } throws: { error in
                "\(error)".contains("http[0].auth.jwt.jwks") && "\(error)".contains("cannot be read")
            }
            try "{\"keys\": []}".write(
                to: environment.directory.appendingPathComponent("jwks.json"),
                atomically: true,
                encoding: .utf8
            )
            await #expect {
                try await environment.withInvoker { _ in }
            } throws: { error in
                "\(error)".contains("no RS256")
            }
        }
    }
}

/// The JWKS document the test's server serves, which a test may replace.
final class ServedJWKS: Sendable {
    private let document: Mutex<String>

    init(_ text: String) {
        document = Mutex(text)
    }

    /// The document.
    var text: String {
        get { document.withLock { $0 } }
        set { document.withLock { $0 = newValue } }
    }
}
