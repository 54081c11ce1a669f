import Foundation

/// Validates the input as a `functions.json`. Properties: loading either returns a manifest or throws a
/// `ManifestError` that names the file and has a message (never another error type, never a trap); a manifest that
/// loads has at least one function, its functions sorted by name, and routes that all start with `/`.
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
    for function in manifest.functions {
        check(function.timeout > .zero, "function \(function.name) has a timeout of \(function.timeout)")
        check(function.scaling.min <= function.scaling.max, "function \(function.name) scales min > max")
        for route in function.routes {
            check(route.path.hasPrefix("/"), "function \(function.name) has a route \(route.path)")
        }
    }
    return 0
}
