extension JWTClaims {
    /// The claims as API Gateway hands them to a function in `requestContext.authorizer.jwt.claims`: every value a
    /// string. Whole numbers are written without a fraction (`"exp": "1796126400"`), other numbers as decimals,
    /// booleans as `true`/`false`, arrays as `[a b]` and objects as `map[key:value]` with sorted keys (as API
    /// Gateway, written in Go, prints them); a `null` claim is left out.
    var flattened: [String: String] {
        var result: [String: String] = [:]
        for (name, value) in values {
            if case .null = value { continue }
            result[name] = Self.flatten(value)
        }
        return result
    }

    private static func flatten(_ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .number(let value):
            value.rounded() == value && abs(value) < 1e18 ? String(Int64(value)) : String(value)
        case .string(let value): value
        case .array(let elements): "[" + elements.map(flatten).joined(separator: " ") + "]"
        case .object(let members):
            "map["
                + members.sorted { $0.key < $1.key }.map { "\($0.key):\(flatten($0.value))" }
                .joined(separator: " ") + "]"
        }
    }
}
