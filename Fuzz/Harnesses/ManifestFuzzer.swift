import Foundation
import HTTPTypes

/// Validates the input as a `functions.json`. Properties: loading either returns a manifest or throws a
/// `ManifestError` that names the file and has a message (never another error type, never a trap); a manifest that
/// loads has at least one function, its functions sorted by name, and routes that all start with `/` and that each
/// answer their own paths in the route table.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(UnsafeRawBufferPointer(start: start, count: count))
    let manifest: Manifest
    do {
        manifest = try Manifest.parse(data, file: "functions.json", directory: "/nonexistent/fuzz")
    } catch let error as ManifestError {
        check(error.file == "functions.json", "the error names another file: \(error)")
        check(!error.message.isEmpty, "the error has no message: \(error)")
        return 0
    } catch {
        fail("loading threw \(type(of: error)), not a ManifestError: \(error)")
    }
    check(!manifest.functions.isEmpty, "a manifest without functions loaded")
    check(
        manifest.functions.map(\.name) == manifest.functions.map(\.name).sorted(),
        "the functions are not sorted by name"
    )
    checkRoutesAnswer(manifest)
    for function in manifest.functions {
        check(function.timeout > .zero, "function \(function.name) has a timeout of \(function.timeout)")
        check(function.scaling.min <= function.scaling.max, "function \(function.name) scales min > max")
        for route in function.routes {
            check(route.path.hasPrefix("/"), "function \(function.name) has a route \(route.path)")
        }
    }
    return 0
}

/// Puts the manifest's routes in a ``RouteTable`` as `FunctionRoutes` does, and matches each route's own path (its
/// parameters filled with a control character, which no literal segment holds) with each of its methods: a route
/// without a greedy parameter is the match (no other route is more specific, and `Manifest.checkRoutes` refused any
/// of the same shape and method); a greedy one is matched by itself or a more specific route taking the method.
private func checkRoutesAnswer(_ manifest: Manifest) {
    var table = RouteTable<String>()
    for function in manifest.functions {
        for (index, route) in function.routes.enumerated() {
            let methods = route.methods.map { $0.compactMap { HTTPRequest.Method(rawValue: $0) } }
            table.insert(route.path, methods: methods, "\(function.name) http[\(index)]")
        }
    }
    for function in manifest.functions {
        for (index, route) in function.routes.enumerated() {
            let path =
                "/"
                + route.path.split(separator: "/").map { $0.hasPrefix("{") ? "\u{01}" : String($0) }
                .joined(separator: "/")
            let isGreedy = route.path.hasSuffix("+}")
            for method in route.methods.map({ $0.compactMap { HTTPRequest.Method(rawValue: $0) } })
                ?? HTTPRequest.Method.routable
            {
                guard case .matched(let found, _) = table.match(path, method: method) else {
                    fail("\(method.rawValue) \(path) matched no route; \(function.name) http[\(index)] takes it")
                }
                check(
                    isGreedy || found == "\(function.name) http[\(index)]",
                    "\(method.rawValue) \(path) matched \(found), not \(function.name) http[\(index)]"
                )
            }
        }
    }
}
