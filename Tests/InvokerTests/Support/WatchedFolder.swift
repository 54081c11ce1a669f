import Foundation
import Logging
import Synchronization

@testable import Invoker

/// A temporary folder for the file watcher's tests, with helpers to change files in it.
struct WatchedFolder {
    /// The folder's absolute path, free of symbolic links (as the watcher reports paths).
    let path: String

    /// Creates an empty temporary folder.
    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("watch-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.resolvingSymlinksInPath().path
    }

    /// The absolute path of `relative` in the folder.
    func callAsFunction(_ relative: String) -> String {
        path + "/" + relative
    }

    /// Writes `contents` to `relative`.
    func write(_ relative: String, _ contents: String = "let x = 1\n") throws {
        try Data(contents.utf8).write(to: URL(fileURLWithPath: self(relative)))
    }

    /// Creates the folder `relative`, and those above it.
    func makeDirectory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: self(relative), withIntermediateDirectories: true)
    }

    /// Removes the file or folder `relative`.
    func remove(_ relative: String = "") throws {
        try FileManager.default.removeItem(atPath: relative.isEmpty ? path : self(relative))
    }
}

/// What a watcher reported, gathered while a test runs.
final class ReportedChanges: Sendable {
    private let paths = Mutex<[String]>([])

    /// Everything reported so far.
    var all: [String] { paths.withLock { $0 } }

    /// Records a reported path.
    func append(_ path: String) {
        paths.withLock { $0.append(path) }
    }

    /// Waits until `path` was reported, or `timeout` passed; returns whether it was.
    func waitFor(_ path: String, timeout: Duration = .seconds(10)) async throws -> Bool {
        try await waitUntil(timeout: timeout) { $0.contains(path) }
    }

    /// Waits until `condition` holds for the reported paths, or `timeout` passed; returns whether it held.
    func waitUntil(timeout: Duration = .seconds(10), _ condition: ([String]) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(all) { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return condition(all)
    }
}

extension FileWatcher {
    /// Watches `roots` while `body` runs, gathering the reported changes, and then stops (the stream must end).
    static func watching(
        _ roots: [WatchRoot],
        _ body: (FileWatcher, ReportedChanges) async throws -> Void
    ) async throws {
        let watcher = try await FileWatcher(
            watching: roots,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        let reported = ReportedChanges()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                for await path in watcher.changes { reported.append(path) }
            }
            do {
                try await body(watcher, reported)
            } catch {
                await watcher.stop()
                throw error
            }
            await watcher.stop()
        }
    }
}
