import Foundation

extension FunctionDefinition.RouteAuth {
    /// Reads a route's `auth` member: `"none"`, `{"apiKey": {…}}` or `{"jwt": {…}}`; relative JWKS paths are
    /// resolved against `directory`.
    init(_ route: ManifestObject, directory: String) throws {
        guard let value = route.members["auth"] else {
            self = .none
            return
        }
        if case .string(let name) = value {
            guard name == "none" else {
                throw route.error("auth", "must be \"none\", {\"apiKey\": {}} or {\"jwt\": {…}}, got \"\(name)\"")
            }
            self = .none
            return
        }
        guard let object = try route.object("auth") else {
            self = .none
            return
        }
        try object.rejectUnknownKeys(["apiKey", "jwt"])
        guard object.members.count == 1 else {
            throw route.error("auth", "must name exactly one authorizer: \"apiKey\" or \"jwt\"")
        }
        if let apiKey = try object.object("apiKey") {
            try apiKey.rejectUnknownKeys(["keys"])
            let keys = try apiKey.strings("keys")
            if let keys {
                guard !keys.isEmpty else {
                    throw apiKey.error("keys", "must not be empty; leave it out to allow every key in the file")
                }
                for (index, name) in keys.enumerated() where !APIKeys.isValidName(name) {
                    throw apiKey.error(
                        "keys[\(index)]",
                        "\(name.debugDescription) is not a key name: use letters, digits, '-', '_' or '.'"
                    )
                }
            }
            self = .apiKey(keys: keys)
        } else if let jwt = try object.object("jwt") {
            self = .jwt(try FunctionDefinition.JWTSettings(jwt, directory: directory))
        } else {
            throw route.error("auth", "must name \"apiKey\" or \"jwt\"")
        }
    }
}

extension FunctionDefinition.JWTSettings {
    /// Reads and validates a route's `auth.jwt` object.
    init(_ object: ManifestObject, directory: String) throws {
        try object.rejectUnknownKeys(["issuer", "audience", "jwks", "scopes"])
        guard let issuer = try object.string("issuer"), !issuer.isEmpty else {
            throw object.error(
                "issuer",
                "is missing; the token's iss must be checked, such as \"https://id.example.com/\""
            )
        }
        guard let audience = try object.strings("audience"), !audience.isEmpty,
            !audience.contains(where: \.isEmpty)
        else {
            throw object.error(
                "audience",
                "is missing or empty; name the audiences (aud or client_id) the route accepts"
            )
        }
        guard let jwks = try object.string("jwks"), !jwks.isEmpty else {
            throw object.error("jwks", "is missing; give the JWKS file's path or its https URL")
        }
        let scopes = try object.strings("scopes") ?? []
        if let index = scopes.firstIndex(where: { $0.isEmpty || $0.contains(" ") }) {
            throw object.error("scopes[\(index)]", "\(scopes[index].debugDescription) is not a scope")
        }
        self.issuer = issuer
        self.audience = audience
        self.scopes = scopes
        if jwks.hasPrefix("https://") || jwks.hasPrefix("http://") {
            guard let url = URL(string: jwks), url.host != nil else {
                throw object.error("jwks", "\(jwks.debugDescription) is not a valid URL")
            }
            self.jwks = jwks
        } else if jwks.contains("://") {
            throw object.error("jwks", "\(jwks.debugDescription) must be a file path or an http(s) URL")
        } else {
            self.jwks =
                URL(fileURLWithPath: jwks, relativeTo: URL(fileURLWithPath: directory, isDirectory: true))
                .standardizedFileURL.path
        }
    }
}
