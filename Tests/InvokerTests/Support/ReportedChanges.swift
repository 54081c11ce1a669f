import Synchronization

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
