import Crypto
import Dispatch
import Foundation
import HTTPTypes
import Logging

/// The instant every check is made at, so that inputs are deterministic.
private let now = Date(timeIntervalSince1970: 1_800_000_000)
/// The harness's ES256 signing key (fixed, so that the committed seed tokens verify), and its JWKS `kid`.
private let signingKey = try! P256.Signing.PrivateKey(rawRepresentation: Data(repeating: 7, count: 32))
private let kid = "fuzz"
/// The route's JWT settings.
private let settings = FunctionDefinition.JWTSettings(
    issuer: "https://issuer.example",
    audience: ["api"],
    jwks: "",
    scopes: ["read"]
)
/// The API keys: `alpha` may call the route, `beta` is a key of the file the route does not allow.
private let keys = try! APIKeys(
    parsing: "alpha key-alpha-0123456789abcdef\nbeta key-beta-0123456789abcdef\n",
    path: "fuzz.keys"
)
private let jwtAuthorizer = wait { () -> JWTAuthorizer in
    let x963 = signingKey.publicKey.x963Representation
    let jwks =
        #"{"keys":[{"kty":"EC","crv":"P-256","alg":"ES256","use":"sig","kid":"\#(kid)","#
        + #""x":"\#(base64URL(x963[1...32]))","y":"\#(base64URL(x963[33...64]))"}]}"#
    let path = NSTemporaryDirectory() + "route-auth-fuzz-\(getpid()).jwks"
    _ = FileManager.default.createFile(atPath: path, contents: Data(jwks.utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    var logger = Logger(label: "fuzz")
    logger.logLevel = .critical
    let source = try! await JWKSource.load(path, refreshInterval: .seconds(60), logger: logger)
    return JWTAuthorizer(settings: settings, source: source)
}

/// The first byte picks what the rest is:
/// - 0: an `x-api-key` value. Properties: `alpha`'s key is allowed as `alpha`, `beta`'s is `403`, anything else `401`.
/// - 1: a bearer token. 2: a JWT payload the harness signs with the JWKS's key (so that the claim checks are reached).
///   Properties, for both: the check never traps; a denial is `401` or `403` with a `WWW-Authenticate` challenge; an
///   allowed token's claims hold the issuer, one of the audiences (`aud` or `client_id`), an `exp` not past by more
///   than the 60 s leeway, no `nbf` beyond it, and one of the route's scopes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRouteAuth(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard let mode = bytes.first else { return 0 }
    let rest = Data(bytes.dropFirst())
    switch mode % 3 {
    case 0:
        checkAPIKey(String(decoding: rest, as: UTF8.self))
    case 1:
        checkToken(String(decoding: rest, as: UTF8.self))
    default:
        let header = base64URL(Data(#"{"alg":"ES256","kid":"\#(kid)","typ":"JWT"}"#.utf8))
        let input = header + "." + base64URL(rest)
        let signature = try! signingKey.signature(for: Data(input.utf8)).rawRepresentation
        checkToken(input + "." + base64URL(signature))
    }
    return 0
}

private func checkAPIKey(_ value: String) {
    var headers = HTTPFields()
    headers[.apiKey] = value
    // What a caller can present: HTTPTypes makes a value valid (control characters become spaces, and the value is
    // trimmed), as the server's parser would have refused it.
    let presented = headers[.apiKey] ?? ""
    let decision = RouteAuthorizer.checkAPIKey(headers, keys: keys, allowed: ["alpha"])
    switch decision {
    case .allowed(let caller):
        check(
            presented == "key-alpha-0123456789abcdef" && caller.identity == "alpha",
            "\(presented.debugDescription) allowed as \(caller.identity ?? "nobody")"
        )
    case .denied(let denial):
        let expected: HTTPResponse.Status =
            presented == "key-beta-0123456789abcdef"
            ? .forbidden : presented == "key-alpha-0123456789abcdef" ? .ok : .unauthorized
        check(denial.status == expected, "\(presented.debugDescription) denied with \(denial.status), not \(expected)")
        check(!denial.wwwAuthenticate.isEmpty, "a denial without a challenge")
    }
}

private func checkToken(_ token: String) {
    var headers = HTTPFields()
    headers[.authorization] = "Bearer " + token
    let decision = wait { [headers] in await jwtAuthorizer.check(headers, now: now) }
    switch decision {
    case .denied(let denial):
        check(denial.status == .unauthorized || denial.status == .forbidden, "a token denied with \(denial.status)")
        check(!denial.wwwAuthenticate.isEmpty, "a denial without a challenge")
    case .allowed:
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Data(base64URLEncoded: String(parts[1])),
            let claims = try? JSONSerialization.jsonObject(with: payload, options: [.fragmentsAllowed])
                as? [String: Any]
        else { fail("a token allowed whose payload is not a JSON object: \(token)") }
        let time = now.timeIntervalSince1970
        check(claims["iss"] as? String == settings.issuer, "allowed with iss \(String(describing: claims["iss"]))")
        check(
            names(claims["aud"]).contains("api") || names(claims["client_id"]).contains("api"),
            "allowed without the audience: \(claims)"
        )
        guard let expires = (claims["exp"] as? NSNumber)?.doubleValue else { fail("allowed without exp: \(claims)") }
        check(time < expires + 60, "allowed after exp \(expires) + 60 s")
        if let notBefore = claims["nbf"] {
            guard let notBefore = (notBefore as? NSNumber)?.doubleValue else { fail("allowed with nbf \(notBefore)") }
            check(time + 60 >= notBefore, "allowed before nbf \(notBefore) - 60 s")
        }
        check(
            names(claims["scope"]).contains("read") || names(claims["scp"]).contains("read"),
            "allowed without the scope: \(claims)"
        )
    }
}

/// The strings a claim names: a string's space-separated words, or an array's strings.
private func names(_ claim: Any?) -> [String] {
    if let text = claim as? String { return text.split(separator: " ").map(String.init) }
    return (claim as? [Any])?.compactMap { $0 as? String } ?? []
}

private func base64URL(_ data: some DataProtocol) -> String {
    Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

extension Data {
    /// Decodes base64url without padding; nil when it is not.
    fileprivate init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}

/// Runs `body` to its end from synchronous code (libFuzzer calls the harness on its own thread).
private func wait<Result: Sendable>(_ body: @escaping @Sendable () async -> Result) -> Result {
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: Result?
    Task {
        result = await body()
        done.signal()
    }
    done.wait()
    return result!
}
