import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The `Functions` worker binary that runs the Swift functions of `Sources/Functions`.
///
/// By default it is the one built beside the `invoker` executable. In a checkout of the package it is rebuilt
/// (`swift build --product Functions`) when it is missing or older than its sources, so `swift run invoker serve`
/// always runs the functions as they are written.
struct FunctionsBinary: Sendable {
    /// The binary's absolute path.
    let path: String

    /// Finds the binary: `explicitPath` when given, else `Functions` beside the running invoker, built or rebuilt
    /// first when `build` is true and its sources are newer.
    static func locate(explicitPath: String?, build: Bool) async throws -> FunctionsBinary {
        if let explicitPath {
            guard FileManager.default.isExecutableFile(atPath: explicitPath) else {
                throw InvokerError(
                    .configuration,
                    "the worker binary \(explicitPath) does not exist or is not executable"
                )
            }
            return FunctionsBinary(path: explicitPath)
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let directory = executable.deletingLastPathComponent()
        let binary = directory.appendingPathComponent("Functions").path
        if build, let package = packageRoot(above: directory), isStale(binary, package: package) {
            try await FunctionsBuild(package: package, binaryDirectory: directory).run()
            // The build system relinks only when something changed; mark the binary current either way, so an
            // untouched rebuild is not repeated at every start.
            try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: binary)
        }
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw InvokerError(
                .configuration,
                "no Functions worker binary at \(binary); build it with `swift build --product Functions`"
                    + " or pass --functions-binary"
            )
        }
        return FunctionsBinary(path: binary)
    }

    /// The handler names the binary provides (it prints them when run with `--list`).
    func handlers() async throws -> Set<String> {
        let result = try await Subprocess.run(
            .path(FilePath(path)),
            arguments: ["--list"],
            environment: .custom([:]),
            output: .string(limit: 1 << 20),
            error: .string(limit: 1 << 20)
        )
        guard result.terminationStatus.isSuccess else {
            throw InvokerError(
                .configuration,
                "\(path) --list failed (\(result.terminationStatus)): \(result.standardError)"
            )
        }
        return Set(result.standardOutput.split(separator: "\n").map(String.init))
    }

    /// The checkout the binary is built from: the nearest folder above `directory` with `Package.swift` and
    /// `Sources/Functions`.
    static func packageRoot(above directory: URL) -> URL? {
        var folder = directory
        while folder.path != "/" {
            folder = folder.deletingLastPathComponent()
            let manifest = folder.appendingPathComponent("Package.swift").path
            let sources = folder.appendingPathComponent("Sources/Functions").path
            if FileManager.default.fileExists(atPath: manifest) && FileManager.default.fileExists(atPath: sources) {
                return folder
            }
        }
        return nil
    }

    /// Whether `binary` is missing or older than a source it is built from.
    private static func isStale(_ binary: String, package: URL) -> Bool {
        guard let built = modificationDate(binary) else { return true }
        let sources = ["Sources/Functions", "Sources/Runtime", "Package.swift"].map(package.appendingPathComponent)
        for source in sources {
            guard let files = FileManager.default.enumerator(atPath: source.path) else {
                if let date = modificationDate(source.path), date > built { return true }
                continue
            }
            for case let file as String in files {
                if let date = modificationDate(source.appendingPathComponent(file).path), date > built { return true }
            }
        }
        return false
    }

    private static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
