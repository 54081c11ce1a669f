extension FunctionDefinition.HTTPRoute {
    /// The methods a route may name; `ANY` (or `*`) accepts all of them.
    static let knownMethods: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    /// The names that accept every method.
    static let anyMethod: Set<String> = ["ANY", "*"]

    /// Paths the invoker serves itself; a manifest route may not live under them.
    static let reservedPrefixes = [
        "/function", "/system", "/2015-03-31", "/2018-06-01", "/queue", "/async-function", "/metrics", "/healthz",
        "/readyz",
    ]

    /// Reads and validates one element of a function's `http` array; relative paths in it (a JWKS file) are
    /// resolved against `directory`.
    init(_ object: ManifestObject, directory: String) throws {
        try object.rejectUnknownKeys(["path", "methods", "auth"])
        guard let path = try object.string("path") else {
            throw object.error("path", "is missing; a route needs a path such as \"/hello\"")
        }
        self.path = try Self.validate(path: path, object)
        self.auth = try FunctionDefinition.RouteAuth(object, directory: directory)
        guard let methods = try object.strings("methods") else {
            self.methods = nil
            return
        }
        guard !methods.isEmpty else {
            throw object.error("methods", "must not be empty; leave it out to accept every method")
        }
        var seen: [String: Int] = [:]
        for (index, method) in methods.enumerated() {
            let upper = method.uppercased()
            guard Self.knownMethods.contains(upper) || Self.anyMethod.contains(upper) else {
                throw object.error(
                    "methods[\(index)]",
                    "\(method.debugDescription) is not an HTTP method; use"
                        + " \(Self.knownMethods.sorted().joined(separator: ", ")) or ANY"
                )
            }
            if let earlier = seen[upper] {
                throw object.error(
                    "methods[\(index)]",
                    "\(method.debugDescription) is listed twice (methods[\(earlier)] is"
                        + " \(methods[earlier].debugDescription)); methods are not case-sensitive"
                )
            }
            seen[upper] = index
        }
        if let index = methods.firstIndex(where: { Self.anyMethod.contains($0.uppercased()) }) {
            guard methods.count == 1 else {
                throw object.error(
                    "methods[\(index)]",
                    "\(methods[index].debugDescription) accepts every method, so it must be the only one listed"
                )
            }
            self.methods = nil
        } else {
            self.methods = methods.map { $0.uppercased() }
        }
    }

    /// The route's segments with parameter names erased: two routes with the same shape match the same paths.
    var shape: [String] {
        path.split(separator: "/").map { segment in
            guard segment.hasPrefix("{") else { return String(segment) }
            return segment.hasSuffix("+}") ? "{+}" : "{}"
        }
    }

    private static func validate(path: String, _ object: ManifestObject) throws -> String {
        func fail(_ reason: String) -> ManifestError {
            object.error("path", "\"\(path)\" \(reason)")
        }
        guard path.hasPrefix("/") else { throw fail("must start with \"/\"") }
        guard !path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw object.error("path", "\(path.debugDescription) must not contain control characters such as NUL")
        }
        guard !path.contains(where: { $0 == "?" || $0 == "#" || $0 == " " }) else {
            throw fail("must be a path only, without a query, fragment or spaces")
        }
        let normalized = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        if let reserved = reservedPrefixes.first(where: { normalized == $0 || normalized.hasPrefix($0 + "/") }) {
            throw fail("is under \(reserved), which the invoker serves itself")
        }
        let segments = normalized.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (index, segment) in segments.enumerated() where normalized != "/" {
            guard !segment.isEmpty else { throw fail("has an empty segment") }
            guard segment.hasPrefix("{") || segment.hasSuffix("}") else {
                guard !segment.contains(where: { $0 == "{" || $0 == "}" }) else {
                    throw fail("has a parameter that is not a whole segment: \"\(segment)\"")
                }
                // Other routers' wildcards and `:name` parameters, which would be literals here: the manifest's only
                // patterns are `{name}` and `{name+}`.
                guard !segment.contains("*"), !segment.hasPrefix(":") else {
                    throw fail(
                        "has a segment \"\(segment)\" that other routers read as a pattern; use {name} or a final {name+}"
                    )
                }
                continue
            }
            let isGreedy = segment.hasSuffix("+}")
            let name = segment.dropFirst().dropLast(isGreedy ? 2 : 1)
            guard segment.hasPrefix("{"), segment.hasSuffix("}"), !name.isEmpty,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            else {
                throw fail("has a malformed parameter \"\(segment)\"; use {name} or a final {name+}")
            }
            if isGreedy && index != segments.count - 1 {
                throw fail("has a greedy parameter \"\(segment)\" that is not the last segment")
            }
        }
        return normalized
    }
}
