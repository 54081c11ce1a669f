import CLibUV
import Foundation
import Logging
import Synchronization

/// The libuv side of a ``FileWatcher``: one `uv_loop_t` run by the watcher's own thread, with a `uv_fs_event_t`
/// handle per watched folder. inotify is not recursive, so a tree is watched folder by folder, and the handles follow
/// folders as they appear and disappear.
///
/// libuv is touched on the loop's thread only, but for `uv_async_send`, its one thread-safe call, by which
/// ``requestStop()`` wakes the loop: hence `@unchecked Sendable`. Only file events are used: `uv_spawn` and
/// `uv_signal` would install libuv's own `SIGCHLD` handler in a process that spawns and reaps its workers.
final class WatchLoop: @unchecked Sendable {
    /// What other threads and the loop's thread share.
    private struct Control {
        /// Whether the wake-up handle is open, so that `uv_async_send` may be called on it.
        var wakeupOpen = false
        /// Whether the watcher was asked to stop.
        var stopRequested = false
        /// Whether the loop's thread is done: every handle and the loop closed, the stream finished.
        var exited = false
        /// Callers waiting for the thread to be done.
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let roots: [WatchRoot]
    private let changes: AsyncStream<String>.Continuation
    private let logger: Logger
    private let control = Mutex(Control())
    private let loop = UnsafeMutablePointer<uv_loop_t>.allocate(capacity: 1)
    private let wakeup = UnsafeMutablePointer<uv_async_t>.allocate(capacity: 1)
    /// The watched folders by path (loop thread only).
    private var watches: [String: DirectoryWatch] = [:]
    /// The watched folders' paths by handle (loop thread only).
    private var paths: [UnsafeMutablePointer<uv_fs_event_t>: String] = [:]

    /// Creates a loop that will watch `roots` (absolute paths that exist) and report to `changes`.
    init(roots: [WatchRoot], changes: AsyncStream<String>.Continuation, logger: Logger) {
        self.roots = roots
        self.changes = changes
        self.logger = logger
    }

    deinit {
        loop.deallocate()
        wakeup.deallocate()
    }

    /// Runs on the watcher's thread until every handle is closed: starts the roots' watches, resumes `started` (with
    /// the error if one could not be watched, and then closes everything), and reports changes until asked to stop.
    func run(started: CheckedContinuation<Void, any Error>) {
        let initialized = uv_loop_init(loop)
        guard initialized == 0 else {
            started.resume(throwing: Self.error(initialized, watching: roots.first.map(Self.path(of:)) ?? ""))
            return finish()
        }
        let wakeupOpened = uv_async_init(loop, wakeup) { handle in
            WatchLoop.owner(of: handle?.pointee.data).handleCommands()
        }
        guard wakeupOpened == 0 else {
            uv_loop_close(loop)
            started.resume(throwing: Self.error(wakeupOpened, watching: roots.first.map(Self.path(of:)) ?? ""))
            return finish()
        }
        wakeup.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        control.withLock { $0.wakeupOpen = true }
        do {
            for root in roots { try watch(root) }
            started.resume()
        } catch {
            started.resume(throwing: error)
            closeAll()
        }
        uv_run(loop, UV_RUN_DEFAULT)
        let closed = uv_loop_close(loop)
        precondition(closed == 0, "the watcher's loop still has handles: \(String(cString: uv_err_name(closed)))")
        finish()
    }

    /// Asks the loop to close its handles and end; callable from any thread, any number of times.
    func requestStop() {
        control.withLock { control in
            control.stopRequested = true
            if control.wakeupOpen { uv_async_send(wakeup) }
        }
    }

    /// Returns once the loop's thread is done.
    func waitUntilExited() async {
        await withCheckedContinuation { waiter in
            let exited = control.withLock { control in
                if !control.exited { control.exitWaiters.append(waiter) }
                return control.exited
            }
            if exited { waiter.resume() }
        }
    }

    /// The loop a handle's `data` points to.
    private static func owner(of data: UnsafeMutableRawPointer?) -> WatchLoop {
        Unmanaged<WatchLoop>.fromOpaque(data!).takeUnretainedValue()
    }

    /// The path of `root`.
    private static func path(of root: WatchRoot) -> String {
        switch root {
        case .directory(let path), .file(let path): path
        }
    }

    /// The error for libuv's error `code` from watching `path`.
    private static func error(_ code: Int32, watching path: String) -> InvokerError {
        if code == UV_ENOSPC.rawValue {
            return InvokerError(
                .configuration,
                "cannot watch \(path): the limit on inotify watches is reached (raise fs.inotify.max_user_watches)"
            )
        }
        return InvokerError(.configuration, "cannot watch \(path): \(String(cString: uv_strerror(code)))")
    }

    /// Acts on what other threads asked for (the wake-up handle's callback).
    private func handleCommands() {
        if control.withLock({ $0.stopRequested }) { closeAll() }
    }

    /// Closes every handle, which lets `uv_run` return.
    private func closeAll() {
        control.withLock { $0.wakeupOpen = false }
        uv_close(UnsafeMutableRawPointer(wakeup).assumingMemoryBound(to: uv_handle_t.self), nil)
        for path in Array(watches.keys) { unwatch(path) }
    }

    /// Ends the stream and wakes those waiting for the thread to be done.
    private func finish() {
        changes.finish()
        let waiters = control.withLock { control in
            control.exited = true
            defer { control.exitWaiters = [] }
            return control.exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Starts watching `root`: a folder with everything under it, or a file through its folder.
    private func watch(_ root: WatchRoot) throws {
        switch root {
        case .directory(let path):
            try watchTree(path, reportingContents: false)
        case .file(let path):
            let file = path as NSString
            try watch(file.deletingLastPathComponent, scope: .names([file.lastPathComponent]))
        }
    }

    /// Watches the folder at `path` and every folder under it but ignored ones; reports what they hold when
    /// `reportingContents` (a new folder's contents may have been created before its watch was).
    private func watchTree(_ path: String, reportingContents: Bool) throws {
        try watch(path, scope: .everything)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in entries.sorted() where !IgnoredNames.contains(name) {
            let entry = path + "/" + name
            if reportingContents { changes.yield(entry) }
            if DirectoryIdentity(at: entry) != nil { try watchTree(entry, reportingContents: reportingContents) }
        }
    }

    /// Watches the folder at `path` for changes in `scope`, widening the scope of a watch already there.
    private func watch(_ path: String, scope: DirectoryWatch.Scope) throws {
        if let existing = watches[path] {
            watches[path]?.scope = existing.scope.union(scope)
            return
        }
        guard let identity = DirectoryIdentity(at: path) else {
            throw InvokerError(.configuration, "cannot watch \(path): no such directory")
        }
        let handle = UnsafeMutablePointer<uv_fs_event_t>.allocate(capacity: 1)
        uv_fs_event_init(loop, handle)
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        let started = uv_fs_event_start(
            handle,
            { handle, name, _, status in
                WatchLoop.owner(of: handle?.pointee.data).changed(in: handle, name: name, status: status)
            },
            path,
            0
        )
        guard started == 0 else {
            Self.close(handle)
            throw Self.error(started, watching: path)
        }
        watches[path] = DirectoryWatch(handle: handle, identity: identity, scope: scope)
        paths[handle] = path
    }

    /// Stops watching the folder at `path`.
    private func unwatch(_ path: String) {
        guard let watch = watches.removeValue(forKey: path) else { return }
        paths[watch.handle] = nil
        Self.close(watch.handle)
    }

    /// Stops watching the folder at `path` and every folder under it.
    private func unwatchTree(_ path: String) {
        for watched in Array(watches.keys) where watched == path || watched.hasPrefix(path + "/") { unwatch(watched) }
    }

    /// Closes a folder's handle and frees it once libuv is done with it.
    private static func close(_ handle: UnsafeMutablePointer<uv_fs_event_t>) {
        uv_close(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self)) { closed in
            UnsafeMutableRawPointer(closed)?.deallocate()
        }
    }

    /// Reports a change to `name` in a watched folder (a folder handle's callback), and follows new and removed
    /// folders.
    private func changed(in handle: UnsafeMutablePointer<uv_fs_event_t>?, name: UnsafePointer<CChar>?, status: Int32) {
        guard let handle, let directory = paths[handle], let watch = watches[directory] else { return }
        guard status == 0 else {
            logger.warning(
                "A watched folder cannot be watched any more",
                metadata: [LogKey.path: "\(directory)", LogKey.error: "\(String(cString: uv_strerror(status)))"]
            )
            return unwatchTree(directory)
        }
        // A folder that is gone or was replaced: its parent's watch reports it (and watches a new one).
        guard DirectoryIdentity(at: directory) == watch.identity else { return unwatchTree(directory) }
        guard let name else { return }
        let entry = String(cString: name)
        let path = directory + "/" + entry
        switch watch.scope {
        case .names(let names):
            if names.contains(entry) { changes.yield(path) }
        case .everything:
            // FSEvents (macOS) names entries below the folder too: every component counts.
            guard !entry.split(separator: "/").contains(where: { IgnoredNames.contains(String($0)) }) else { return }
            changes.yield(path)
            follow(path)
        }
    }

    /// Brings the watches at `path` in line with what is there now: a new folder is watched with everything under it
    /// (and its contents reported), a removed or replaced one's watches are closed.
    private func follow(_ path: String) {
        let identity = DirectoryIdentity(at: path)
        guard let identity else {
            if watches[path] != nil { unwatchTree(path) }
            return
        }
        guard watches[path]?.identity != identity else { return }
        unwatchTree(path)
        do {
            try watchTree(path, reportingContents: true)
        } catch {
            logger.warning("A new folder cannot be watched", metadata: [LogKey.error: "\(error)"])
        }
    }
}
