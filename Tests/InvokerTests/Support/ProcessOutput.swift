import Synchronization

/// What a process the test started wrote, gathered while it runs.
final class ProcessOutput: Sendable {
    private let chunks = Mutex<[String]>([])

    /// Everything so far.
    var text: String { chunks.withLock { $0.joined() } }

    /// Adds what the process wrote.
    func append(_ chunk: String) {
        chunks.withLock { $0.append(chunk) }
    }

    /// Waits until the output contains `needle`, or `timeout` passed; returns whether it does.
    func waitFor(_ needle: String, timeout: Duration = .seconds(60)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if text.contains(needle) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return text.contains(needle)
    }
}
