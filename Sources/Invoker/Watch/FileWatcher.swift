import Foundation
import Logging

/// Watches folders (recursively, folders created later too) and single files, and reports each change as the absolute
/// path of what changed. Editors' noise is left out (see ``IgnoredNames``). Changes come raw, one per file system
/// event; ``ChangeDebouncer`` settles them into change sets.
///
/// Built on libuv's `uv_fs_event` (inotify on Linux, FSEvents or kqueue on macOS), run by a thread of the watcher's
/// own (see ``WatchLoop``).
///
/// ```swift
/// let watcher = try await FileWatcher(watching: [.directory("Sources"), .file("functions.json")], logger: logger)
/// for await path in watcher.changes { … }  // ends when the watcher stops
/// await watcher.stop()
/// ```
final class FileWatcher: Sendable {
    /// The changes, as absolute paths (with symbolic links in the roots' paths resolved), in the order they happened;
    /// ends when the watcher stops. One consumer: ending its iteration early (cancelling it) stops the watcher too.
    let changes: AsyncStream<String>
    private let loop: WatchLoop

    /// Starts watching `roots`; returns once every watch is in place.
    ///
    /// - Throws: ``InvokerError`` naming the path when a root does not exist or cannot be watched (the system's
    ///   limit on inotify watches reached, for instance).
    init(watching roots: [WatchRoot], logger: Logger) async throws {
        let roots = try roots.map(Self.checked)
        let (changes, continuation) = AsyncStream.makeStream(of: String.self)
        let loop = WatchLoop(roots: roots, changes: continuation, logger: logger)
        try await withCheckedThrowingContinuation { started in
            let thread = Thread { loop.run(started: started) }
            thread.name = "invoker-watch"
            thread.start()
        }
        continuation.onTermination = { _ in loop.requestStop() }
        self.changes = changes
        self.loop = loop
    }

    deinit {
        loop.requestStop()
    }

    /// Stops watching: closes every watch, ends ``changes``, and returns once the watcher's thread is done.
    func stop() async {
        loop.requestStop()
        await loop.waitUntilExited()
    }

    /// `root` with an absolute path free of symbolic links, or an error naming the path if nothing is there to watch.
    private static func checked(_ root: WatchRoot) throws -> WatchRoot {
        switch root {
        case .directory(let path):
            let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            guard DirectoryIdentity(at: resolved) != nil else {
                throw InvokerError(.configuration, "cannot watch \(path): no such directory")
            }
            return .directory(resolved)
        case .file(let path):
            let file = URL(fileURLWithPath: path)
            let resolved = file.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(
                file.lastPathComponent
            ).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue
            else { throw InvokerError(.configuration, "cannot watch \(path): no such file") }
            return .file(resolved)
        }
    }
}
