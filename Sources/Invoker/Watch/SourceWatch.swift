import Foundation
import Logging
import ServiceLifecycle

/// `serve --watch`: watches the package's `Sources/`, `Package.swift` and the manifest; each settled change set (200
/// ms after the last change, see ``ChangeDebouncer``) rebuilds the worker binary when a source or `Package.swift`
/// changed, then reloads (see ``Deployer``). A failed build changes nothing: the previous version keeps serving, and
/// the next change tries again.
struct SourceWatch: Service {
    /// What `serve --watch` watches and builds.
    struct Settings: Sendable {
        /// The build of the package's `Functions` binary.
        var build: FunctionsBuild
        /// The manifest file, absolute.
        var manifestPath: String

        /// What is watched: the package's `Sources/` (everything under it), `Package.swift` and the manifest.
        var roots: [WatchRoot] {
            [
                .directory(build.package.appendingPathComponent("Sources").path),
                .file(build.package.appendingPathComponent("Package.swift").path),
                .file(manifestPath),
            ]
        }

        /// Whether a change to `paths` (as the watcher reports them: symbolic links resolved) needs a build:
        /// anything but the manifest changed.
        func needsBuild(_ paths: Set<String>) -> Bool {
            let file = URL(fileURLWithPath: manifestPath)
            let manifest = file.deletingLastPathComponent().resolvingSymlinksInPath()
                .appendingPathComponent(file.lastPathComponent).path
            return paths.contains { $0 != manifest }
        }
    }

    /// The watcher, already watching.
    let watcher: WatchProcess
    /// What to build.
    let settings: Settings
    /// Runs one reload.
    let reload: @Sendable () async -> ReloadReport
    /// Where builds and reloads are reported.
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await ChangeDebouncer().forEachSettledSet(of: watcher.changes) { paths in
                if settings.needsBuild(paths) {
                    do {
                        let took = try await settings.build.run()
                        logger.notice(
                            "Built the Functions binary",
                            metadata: [LogKey.buildDuration: "\(took.milliseconds)"]
                        )
                    } catch {
                        logger.error(
                            "The build failed; the previous version keeps serving until the next change",
                            metadata: [LogKey.error: "\(error)"]
                        )
                        return
                    }
                }
                _ = await reload()
            }
        }
        await watcher.stop()
    }
}
