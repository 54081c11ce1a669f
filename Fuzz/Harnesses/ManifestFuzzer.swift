import Foundation
import HTTPTypes
import Hummingbird

/// Validates the input as a `functions.json`. Properties: loading either returns a manifest or throws a
/// `ManifestError` that names the file and has a message (never another error type, never a trap); a manifest that
/// loads has at least one function, its functions sorted by name, and routes that all start with `/` and that the
/// router takes side by side without trapping.
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
    checkRoutesRegister(manifest)
    for function in manifest.functions {
        check(function.timeout > .zero, "function \(function.name) has a timeout of \(function.timeout)")
        check(function.scaling.min <= function.scaling.max, "function \(function.name) scales min > max")
        for route in function.routes {
            check(route.path.hasPrefix("/"), "function \(function.name) has a route \(route.path)")
        }
    }
    return 0
}

/// Registers the manifest's routes with a Hummingbird router as `FunctionRoutes.register` does: the router traps on
/// routes it cannot hold side by side, which `Manifest.checkRoutes` must have refused with a `ManifestError`.
private func checkRoutesRegister(_ manifest: Manifest) {
    let allMethods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .head, .options]
    let router = Router()
    for function in manifest.functions {
        for route in function.routes {
            for method in route.methods.map({ $0.compactMap { HTTPRequest.Method(rawValue: $0) } }) ?? allMethods {
                router.on(RouterPath(route.routerPath), method: method) { _, _ in "" }
            }
        }
    }
    for method in allMethods {
        for path in ["/function/{name}", "/function/{name}/**"] {
            router.on(RouterPath(path), method: method) { _, _ in "" }
        }
    }
    _ = router.buildResponder()
}
