import Foundation
import HTTPTypes
import JWTKit
import Runtime

/// A route's JWT authorizer, as API Gateway HTTP APIs check tokens: `Authorization: Bearer <token>`, signed (RS256 or
/// ES256) by the JWKS key its `kid` names, from the configured issuer, for one of the configured audiences (`aud`, or
/// `client_id` when there is no `aud`), not expired and already valid (60 seconds of leeway each), and holding one
/// of the route's scopes when it names any.
///
/// Bad tokens get 401 with `WWW-Authenticate: Bearer error="invalid_token"`; a good token without the scope gets 403
/// with `error="insufficient_scope"`.
struct JWTAuthorizer: Sendable {
    /// How far `exp` and `nbf` may be off: clocks differ.
    static let leeway: TimeInterval = 60
    /// The only algorithms accepted.
    static let algorithms: Set<String> = ["RS256", "ES256"]

    /// The route's settings.
    let settings: FunctionDefinition.JWTSettings
    /// The keys.
    let source: JWKSource

    /// Decides whether `headers` carry a token this route accepts at `now`.
    func check(_ headers: HTTPFields, now: Date) async -> AuthDecision {
        guard let header = headers[.authorization], header.count > 7,
            header.prefix(7).lowercased() == "bearer "
        else {
            return .denied(
                .unauthorized(
                    "this route requires a JWT in the header Authorization: Bearer <token>",
                    reason: "missing",
                    challenge: "Bearer"
                )
            )
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        do throws(AuthDenial) {
            let claims = try await verify(token, now: now)
            return authorize(claims)
        } catch {
            return .denied(error)
        }
    }

    /// The token's verified claims, or the denial that says what is wrong with it.
    private func verify(_ token: String, now: Date) async throws(AuthDenial) -> JWTClaims {
        let unverified: JWTHeader
        do {
            unverified = try DefaultJWTParser().parse(Array(token.utf8), as: JWTClaims.self).header
        } catch {
            throw Self.invalid("the token is not a well-formed JWT", reason: "malformed")
        }
        guard JWTSegments.areUnambiguous(token) else {
            throw Self.invalid("the token's header or claims repeat a member name", reason: "malformed")
        }
        guard let algorithm = unverified.alg, Self.algorithms.contains(algorithm) else {
            throw Self.invalid(
                "the token's algorithm \((unverified.alg ?? "(none)").debugDescription) is not accepted; use RS256 or"
                    + " ES256",
                reason: "algorithm"
            )
        }
        guard let kid = unverified.kid, !kid.isEmpty else {
            throw Self.invalid("the token has no kid naming its signing key", reason: "unknown_kid")
        }
        guard let found = await source.keys(for: kid) else {
            throw Self.invalid(
                "the token's signing key \(kid.debugDescription) is not in the JWKS",
                reason: "unknown_kid"
            )
        }
        let (keys, keyAlgorithm) = found
        guard keyAlgorithm == algorithm else {
            throw Self.invalid(
                "the token says \(algorithm) but its key \(kid.debugDescription) is an \(keyAlgorithm) key",
                reason: "algorithm"
            )
        }
        let claims: JWTClaims
        do {
            claims = try await keys.collection.verify(token, as: JWTClaims.self)
        } catch {
            throw Self.invalid("the token's signature is not valid", reason: "signature")
        }
        try checkClaims(claims, now: now.timeIntervalSince1970)
        return claims
    }

    /// Checks issuer, audience and validity period.
    private func checkClaims(_ claims: JWTClaims, now: TimeInterval) throws(AuthDenial) {
        guard claims.string("iss") == settings.issuer else {
            throw Self.invalid(
                "the token's issuer \((claims.string("iss") ?? "(none)").debugDescription) is not"
                    + " \(settings.issuer.debugDescription)",
                reason: "issuer"
            )
        }
        let audiences = claims.strings("aud") ?? claims.strings("client_id") ?? []
        guard audiences.contains(where: settings.audience.contains) else {
            throw Self.invalid(
                "the token's audience (aud or client_id) is not one this route accepts",
                reason: "audience"
            )
        }
        guard let expires = claims.number("exp") else {
            throw Self.invalid("the token has no exp", reason: "expired")
        }
        guard now < expires + Self.leeway else {
            throw Self.invalid("the token expired at \(Int64(expires)) (now \(Int64(now)))", reason: "expired")
        }
        if let notBefore = claims.number("nbf"), now + Self.leeway < notBefore {
            throw Self.invalid(
                "the token is not valid before \(Int64(notBefore)) (now \(Int64(now)))",
                reason: "not_yet_valid"
            )
        }
        if claims.values["nbf"] != nil, claims.number("nbf") == nil {
            throw Self.invalid("the token's nbf is not a number", reason: "not_yet_valid")
        }
    }

    /// Allows a verified token that holds one of the route's scopes (or any token when the route names none).
    private func authorize(_ claims: JWTClaims) -> AuthDecision {
        let scopes = claims.scopes
        if !settings.scopes.isEmpty, !scopes.contains(where: settings.scopes.contains) {
            let required = settings.scopes.joined(separator: " ")
            return .denied(
                .forbidden(
                    "the token has none of the scopes this route requires (\(required))",
                    reason: "insufficient_scope",
                    challenge: #"Bearer error="insufficient_scope", scope="\#(required)""#
                )
            )
        }
        let context = FunctionURLRequest.Authorizer.JWT(
            claims: claims.flattened,
            scopes: settings.scopes.isEmpty ? nil : scopes
        )
        return .allowed(Caller(identity: claims.string("sub"), authorizer: FunctionURLRequest.Authorizer(jwt: context)))
    }

    private static func invalid(_ message: String, reason: String) -> AuthDenial {
        .unauthorized(
            message,
            reason: reason,
            challenge:
                #"Bearer error="invalid_token", error_description="\#(message.replacingOccurrences(of: "\"", with: "'"))""#
        )
    }
}
