extension Manifest {
    /// Where a route was declared, for error messages.
    private struct RouteSite {
        var function: String
        var index: Int
        var path: String

        var description: String { "function \"\(function)\"'s route \"\(path)\" (http[\(index)])" }
    }

    /// Checks that every route can be registered with the router beside all the others, in time linear in the
    /// number of routes (hash tables keyed by normalised routes, not a comparison of every pair):
    ///
    /// - no two routes of the same shape (parameter names erased) share a method: they would answer the same
    ///   requests, and the router traps on a second handler for one method and path;
    /// - routes that share a prefix name the parameter that follows it alike, and do not put a `{name}` beside a
    ///   greedy `{name+}`: the router keeps one parameter per position and traps on two.
    static func checkRoutes(_ functions: [FunctionDefinition], file: String) throws {
        var methods: [String: RouteSite] = [:]
        var parameters: [Substring: (segment: Substring, site: RouteSite)] = [:]
        for function in functions {
            for (index, route) in function.routes.enumerated() {
                let site = RouteSite(function: function.name, index: index, path: route.path)
                func conflict(_ message: String) -> ManifestError {
                    ManifestError(file: file, function: function.name, field: "http[\(index)].path", message: message)
                }
                let shape = "/" + route.shape.joined(separator: "/")
                let keys = (route.methods ?? FunctionDefinition.HTTPRoute.knownMethods.sorted()).map {
                    "\($0) \(shape)"
                }
                if let earlier = keys.lazy.compactMap({ methods[$0] }).first {
                    throw conflict(
                        "route \"\(route.path)\" is already served by function \"\(earlier.function)\""
                            + " (http[\(earlier.index)] \"\(earlier.path)\")"
                    )
                }
                for key in keys { methods[key] = site }
                var end = route.path.startIndex
                for segment in route.path.split(separator: "/") {
                    let prefix = route.path[..<end]
                    end = segment.endIndex
                    guard segment.hasPrefix("{") else { continue }
                    guard let earlier = parameters[prefix] else {
                        parameters[prefix] = (segment, site)
                        continue
                    }
                    let isGreedy = segment.hasSuffix("+}")
                    if isGreedy && earlier.segment.hasSuffix("+}") || segment == earlier.segment { continue }
                    if isGreedy || earlier.segment.hasSuffix("+}") {
                        throw conflict(
                            "route \"\(route.path)\" has \(segment) after \"\(prefix)/\" where \(earlier.site.description)"
                                + " has \(earlier.segment); the router cannot hold a {name} beside a greedy {name+}"
                        )
                    }
                    throw conflict(
                        "route \"\(route.path)\" names the parameter after \"\(prefix)/\" \(segment) but"
                            + " \(earlier.site.description) names it \(earlier.segment); routes that share a prefix"
                            + " must name its parameters alike"
                    )
                }
            }
        }
    }
}
