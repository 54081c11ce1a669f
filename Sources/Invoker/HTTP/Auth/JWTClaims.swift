import JWTKit

/// A token's payload as a whole: every claim, whatever its name, for the checks and for the event. jwt-kit verifies
/// the signature; the claims (`iss`, `aud`, `exp`, `nbf`, scopes) are checked by ``JWTAuthorizer`` with its leeway.
struct JWTClaims: JWTPayload, Equatable {
    /// The claims by name.
    var values: [String: JSONValue]

    init(values: [String: JSONValue]) {
        self.values = values
    }

    init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: JSONValue].self)
    }

    /// Claims are only read, never signed here.
    func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(
            values,
            .init(codingPath: encoder.codingPath, debugDescription: "the invoker does not issue tokens")
        )
    }

    /// The claims are checked after verification, with leeway, by the authorizer.
    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// The claim `name` when it is a string.
    func string(_ name: String) -> String? {
        if case .string(let value) = values[name] { return value }
        return nil
    }

    /// The claim `name` when it is a number (seconds since 1970 for `exp`, `nbf`).
    func number(_ name: String) -> Double? {
        if case .number(let value) = values[name] { return value }
        return nil
    }

    /// The claim `name` as a list of strings: a string is one element, an array its string elements.
    func strings(_ name: String) -> [String]? {
        switch values[name] {
        case .string(let value): [value]
        case .array(let elements):
            elements.compactMap {
                if case .string(let value) = $0 { return value }
                return nil
            }
        default: nil
        }
    }

    /// The token's scopes: its `scope` claim split at spaces (OAuth 2.0), or its `scp` claim (a list, or a
    /// space-separated string).
    var scopes: [String] {
        if let scope = string("scope") {
            return scope.split(separator: " ").map(String.init)
        }
        return (strings("scp") ?? []).flatMap { $0.split(separator: " ").map(String.init) }
    }
}
