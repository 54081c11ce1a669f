extension FunctionDefinition {
    /// How callers of a manifest route authenticate (`http[].auth`), following API Gateway HTTP APIs.
    ///
    /// ```json
    /// "auth": "none"
    /// "auth": {"apiKey": {"keys": ["ci", "partner"]}}
    /// "auth": {"jwt": {"issuer": "https://id.example.com/", "audience": ["api"], "jwks": "jwks.json", "scopes": ["read"]}}
    /// ```
    enum RouteAuth: Sendable, Equatable {
        /// Anyone who can reach the port (the default).
        case none
        /// An `x-api-key` header with a key from the `--api-keys` file; `keys` names the keys the route allows (nil:
        /// every key in the file).
        case apiKey(keys: [String]?)
        /// `Authorization: Bearer <JWT>`, verified against a JWKS.
        case jwt(JWTSettings)

        /// Whether callers must authenticate.
        var isRequired: Bool { self != .none }
    }

    /// A route's JWT authorizer: who must have issued the token, for whom, with which keys and scopes.
    struct JWTSettings: Sendable, Equatable {
        /// The `iss` a token must carry, exactly.
        var issuer: String
        /// The audiences the route accepts: a token's `aud` (or, without one, its `client_id`) must name one of them.
        var audience: [String]
        /// Where the signing keys are: an absolute file path (resolved against the manifest's folder), or an
        /// `http(s)://` URL.
        var jwks: String
        /// The scopes of which a token must hold at least one; empty requires none.
        var scopes: [String]

        /// Whether ``jwks`` is a URL rather than a file.
        var jwksIsURL: Bool { jwks.hasPrefix("https://") || jwks.hasPrefix("http://") }
    }
}
