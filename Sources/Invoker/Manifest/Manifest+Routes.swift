extension Manifest {
    /// Where a route was declared, for error messages.
    private struct RouteSite {
        var function: String
        var index: Int
        var path: String
    }

    /// Checks that no two routes answer the same requests: no two of the same shape (parameter names erased) share
    /// a method, in one function or two. Linear in the number of routes (a hash table keyed by normalised routes,
    /// not a comparison of every pair).
    static func checkRoutes(_ functions: [FunctionDefinition], file: String) throws {
        var methods: [String: RouteSite] = [:]
        for function in functions {
            for (index, route) in function.routes.enumerated() {
                let shape = "/" + route.shape.joined(separator: "/")
                let keys = (route.methods ?? FunctionDefinition.HTTPRoute.knownMethods.sorted()).map {
                    "\($0) \(shape)"
                }
                if let earlier = keys.lazy.compactMap({ methods[$0] }).first {
                    throw ManifestError(
                        file: file,
                        function: function.name,
                        field: "http[\(index)].path",
                        message: "route \"\(route.path)\" is already served by function \"\(earlier.function)\""
                            + " (http[\(earlier.index)] \"\(earlier.path)\")"
                    )
                }
                for key in keys { methods[key] = RouteSite(function: function.name, index: index, path: route.path) }
            }
        }
    }
}
