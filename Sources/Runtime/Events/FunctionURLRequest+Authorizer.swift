extension FunctionURLRequest {
    /// Who the route's authorizer found the caller to be (`requestContext.authorizer`), as API Gateway HTTP APIs
    /// shape it: `jwt` for a JWT authorizer, `apiKey` for an API key route; absent on open routes.
    ///
    /// ```swift
    /// let subject = request.requestContext.authorizer?.jwt?.claims["sub"]
    /// let key = request.requestContext.authorizer?.apiKey?.name
    /// ```
    public struct Authorizer: Codable, Sendable, Equatable {
        /// The verified token of a JWT authorizer.
        public struct JWT: Codable, Sendable, Equatable {
            /// The token's claims, every value a string as API Gateway writes them: numbers in decimal
            /// (`"exp": "1796126400"`), arrays as `[a b]`, objects as `map[key:value]`.
            public var claims: [String: String]
            /// The token's scopes (its `scope` claim split at spaces, or its `scp` claim) when the route requires
            /// scopes; `null` otherwise, as API Gateway sends it.
            public var scopes: [String]?

            /// Creates a JWT authorizer context.
            public init(claims: [String: String], scopes: [String]?) {
                self.claims = claims
                self.scopes = scopes
            }

            private enum CodingKeys: String, CodingKey {
                case claims
                case scopes
            }

            /// Reads a JWT context; absent claims are empty.
            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                self.claims = try container.decodeIfPresent([String: String].self, forKey: .claims) ?? [:]
                self.scopes = try container.decodeIfPresent([String].self, forKey: .scopes)
            }

            /// Writes `scopes` as `null` when there are none, as API Gateway does.
            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(claims, forKey: .claims)
                try container.encode(scopes, forKey: .scopes)
            }
        }

        /// The API key a caller presented, by name (never the key itself).
        public struct APIKey: Codable, Sendable, Equatable {
            /// The key's name in the invoker's key file.
            public var name: String

            /// Creates an API key context.
            public init(name: String) {
                self.name = name
            }
        }

        /// The JWT authorizer's claims and scopes.
        public var jwt: JWT?
        /// The API key's name.
        public var apiKey: APIKey?

        /// Creates an authorizer context.
        public init(jwt: JWT? = nil, apiKey: APIKey? = nil) {
            self.jwt = jwt
            self.apiKey = apiKey
        }
    }
}
