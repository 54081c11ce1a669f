import Logging

@testable import Invoker

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
