import ArgumentParser
import Foundation
import Subprocess

@testable import Invoker

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A functions package in a temporary folder, for `invoker new` to add functions to.
struct ScaffoldPackage {
    /// This repository's root, where its `Package.swift` is.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The package's folder.
    let directory: URL

    /// An empty folder.
    private init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("invoker-new-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("Sources/Functions"),
            withIntermediateDirectories: true
        )
    }

    /// A copy of this repository's example functions: its `Package.swift`, `Sources/Functions` and `functions.json`.
    static func examples() throws -> ScaffoldPackage {
        let package = try ScaffoldPackage()
        let sources = repositoryRoot.appendingPathComponent("Sources/Functions")
        for file in try FileManager.default.contentsOfDirectory(atPath: sources.path) {
            try package.write(
                "Sources/Functions/\(file)",
                try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            )
        }
        for file in ["Package.swift", "functions.json"] {
            try package.write(
                file,
                try String(contentsOf: repositoryRoot.appendingPathComponent(file), encoding: .utf8)
            )
        }
        return package
    }

    /// A package of its own that builds its functions against this repository's `Runtime` library, with one
    /// function, `ping`. Its target is `Scaffolded` (in `Sources/Functions`): a package graph cannot hold two targets
    /// named `Functions`, and this repository has one.
    static func buildable() throws -> ScaffoldPackage {
        let package = try ScaffoldPackage()
        let root = repositoryRoot.path
        try package.write(
            "Package.swift",
            """
            // swift-tools-version: 6.2
            import PackageDescription

            let package = Package(
                name: "scaffolded",
                platforms: [.macOS(.v15)],
                dependencies: [.package(path: "\(root)")],
                targets: [
                    .executableTarget(
                        name: "Scaffolded",
                        dependencies: [.product(name: "Runtime", package: "\(repositoryRoot.lastPathComponent)")],
                        path: "Sources/Functions"
                    )
                ]
            )

            """
        )
        try package.write(
            "Sources/Functions/main.swift",
            """
            import Runtime

            var registry = FunctionRegistry()
            registry.register("ping") { (text: String, context: Context) in text }
            await registry.run()

            """
        )
        try package.write(
            "functions.json",
            """
            {
              "functions": {
                "ping": { "handler": "ping" }
              }
            }

            """
        )
        // The versions this repository resolved, so the build fetches nothing new.
        let resolved = repositoryRoot.appendingPathComponent("Package.resolved")
        if FileManager.default.fileExists(atPath: resolved.path) {
            try FileManager.default.copyItem(
                at: resolved,
                to: package.directory.appendingPathComponent("Package.resolved")
            )
        }
        return package
    }

    /// The text of the file at `path` in the package.
    func read(_ path: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
    }

    /// Writes `text` to the file at `path` in the package.
    func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent(path))
    }

    /// Every file of the package, by path, with its bytes.
    func snapshot() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let path = enumerator?.nextObject() as? String {
            let url = directory.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: url)
            }
        }
        return files
    }

    /// Runs `invoker new` with `arguments` in this process, on this package.
    func new(_ arguments: [String]) throws {
        let command = try NewCommand.parse(arguments + ["--package", directory.path])
        try command.run()
    }

    /// Runs the `invoker new` executable with `arguments` on this package.
    func newProcess(_ arguments: [String]) async throws -> (status: TerminationStatus, output: String, error: String) {
        let result = try await Subprocess.run(
            .path(FilePath(TestEnvironment.invokerBinary)),
            arguments: Arguments(["new"] + arguments + ["--package", directory.path]),
            output: .string(limit: 1 << 16),
            error: .string(limit: 1 << 16)
        )
        return (result.terminationStatus, result.standardOutput, result.standardError)
    }

    /// Removes the folder.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
