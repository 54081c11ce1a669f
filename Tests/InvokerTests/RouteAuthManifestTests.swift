import Foundation
import Testing

@testable import Invoker

/// `http[].auth` in the manifest, the `--api-keys` file, and the pure parts of the authorizers.
@Suite("Route auth: manifest, key file and claims")
struct RouteAuthManifestTests {
    private func parse(_ route: String) throws -> FunctionDefinition.HTTPRoute {
        let json = #"{"functions": {"f": {"handler": "f", "http": [{"path": "/f", "auth": \#(route)}]}}}"#
        let manifest = try Manifest.parse(Data(json.utf8), file: "functions.json", directory: "/srv/app")
        return try #require(manifest["f"]?.routes.first)
    }

    @Test("none, apiKey with and without keys, and jwt are read; a relative JWKS path is resolved")
    func reads() throws {
        #expect(try parse(#""none""#).auth == .none)
        #expect(try parse(#"{"apiKey": {}}"#).auth == .apiKey(keys: nil))
        #expect(try parse(#"{"apiKey": {"keys": ["ci"]}}"#).auth == .apiKey(keys: ["ci"]))
        let jwt = try parse(
            #"{"jwt": {"issuer": "https://id.example.com/", "audience": ["api"], "jwks": "keys/jwks.json", "scopes": ["read"]}}"#
        )
        #expect(
            jwt.auth
                == .jwt(
                    .init(
                        issuer: "https://id.example.com/",
                        audience: ["api"],
                        jwks: "/srv/app/keys/jwks.json",
                        scopes: ["read"]
                    )
                )
        )
        let remote = try parse(#"{"jwt": {"issuer": "i", "audience": ["a"], "jwks": "https://id.example.com/jwks"}}"#)
        #expect(
            remote.auth == .jwt(.init(issuer: "i", audience: ["a"], jwks: "https://id.example.com/jwks", scopes: []))
        )
    }

    @Test(
        "mistakes name the function and the field",
        arguments: [
            (#""basic""#, "http[0].auth", "must be \"none\""),
            (#"{"apikey": {}}"#, "http[0].auth.apikey", "did you mean \"apiKey\""),
            (#"{"apiKey": {}, "jwt": {}}"#, "http[0].auth", "exactly one"),
            (#"{"apiKey": {"keys": []}}"#, "http[0].auth.apiKey.keys", "must not be empty"),
            (#"{"apiKey": {"names": ["a"]}}"#, "http[0].auth.apiKey.names", "expected one of \"keys\""),
            (#"{"jwt": {"audience": ["a"], "jwks": "j"}}"#, "http[0].auth.jwt.issuer", "is missing"),
            (
                #"{"jwt": {"issuer": "i", "audience": [], "jwks": "j"}}"#, "http[0].auth.jwt.audience",
                "missing or empty"
            ),
            (#"{"jwt": {"issuer": "i", "audience": ["a"]}}"#, "http[0].auth.jwt.jwks", "is missing"),
            (#"{"jwt": {"issuer": "i", "audience": ["a"], "jwks": "ftp://x/j"}}"#, "http[0].auth.jwt.jwks", "http(s)"),
            (
                #"{"jwt": {"issuer": "i", "audience": ["a"], "jwks": "j", "scope": []}}"#, "http[0].auth.jwt.scope",
                "did you mean"
            ),
        ]
    )
    func errors(route: String, field: String, message: String) throws {
        do {
            _ = try parse(route)
            Issue.record("\(route) was accepted")
        } catch let error as ManifestError {
            #expect(error.function == "f")
            #expect(error.field == field)
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test(
        "the key file: comments and blank lines; a malformed line, a duplicate name or key is refused naming the line"
    )
    func keyFile() throws {
        let keys = try APIKeys(parsing: "# keys\n\nci  aaaaaaaaaaaaaaaa\n\tpartner\tbbbbbbbbbbbbbbbb  \n", path: "keys")
        #expect(keys.keys.map(\.name) == ["ci", "partner"])
        #expect(keys.name(of: "bbbbbbbbbbbbbbbb") == "partner")
        #expect(keys.name(of: "bbbbbbbbbbbbbbb") == nil)
        #expect(keys.name(of: "") == nil)
        for (text, message) in [
            ("ci aaaaaaaaaaaaaaaa extra\n", "keys, line 1: expected \"name key\""),
            ("ci aaaaaaaaaaaaaaaa\nci bbbbbbbbbbbbbbbb\n", "keys, line 2: the name \"ci\" is already used on line 1"),
            (
                "ci aaaaaaaaaaaaaaaa\n\nother aaaaaaaaaaaaaaaa\n",
                "keys, line 3: the key of \"other\" is the same as the key on line 1"
            ),
            ("ci short\n", "shorter than 16"),
            ("# nothing\n", "has no keys"),
        ] {
            #expect(throws: InvokerError.self) { try APIKeys(parsing: text, path: "keys") }
            do {
                _ = try APIKeys(parsing: text, path: "keys")
            } catch {
                #expect(error.message.contains(message), "\(error.message)")
            }
        }
    }

    @Test("claims reach the event as API Gateway writes them: strings, whole numbers, [a b], map[k:v]")
    func flattening() {
        let claims = JWTClaims(values: [
            "sub": .string("u1"), "exp": .number(1_796_126_400), "ratio": .number(0.5), "admin": .bool(true),
            "groups": .array([.string("a"), .string("b")]),
            "address": .object(["city": .string("Oslo"), "zip": .number(150)]),
            "gone": .null,
        ])
        #expect(
            claims.flattened == [
                "sub": "u1", "exp": "1796126400", "ratio": "0.5", "admin": "true", "groups": "[a b]",
                "address": "map[city:Oslo zip:150]",
            ]
        )
        #expect(JWTClaims(values: ["scope": .string("a b  c")]).scopes == ["a", "b", "c"])
        #expect(JWTClaims(values: ["scp": .array([.string("x"), .string("y")])]).scopes == ["x", "y"])
    }

    @Test("without --host on a public address, only the routes without auth are reported as open")
    func exposure() throws {
        let json = #"""
            {"functions": {"f": {"handler": "f", "http": [
              {"path": "/open"}, {"path": "/keyed", "auth": {"apiKey": {}}}
            ]}}}
            """#
        let manifest = try Manifest.parse(Data(json.utf8), file: "functions.json", directory: "/tmp")
        #expect(NetworkExposure(host: "0.0.0.0", manifest: manifest).unauthenticatedRoutes == ["ANY /open (f)"])
    }
}
