import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization

@testable import Invoker

extension TestEnvironment {
    /// The queue database's path (the default: beside the manifest).
    var queueDatabasePath: String { directory.appendingPathComponent(SQLiteQueueStore.defaultDatabasePath).path }

    /// A file the `record` fixture appends to, created writable by every user (workers may run under their own).
    func recordFile(_ name: String = "records.txt") throws -> String {
        let path = directory.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o666])
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: path)
        return path
    }

    /// A `record` fixture function consuming `queue`, appending to `recordFile`, with extra trigger settings.
    static func recorder(
        queue: String,
        recordFile: String,
        trigger: [String: Any] = [:],
        settings: [String: Any] = [:],
        environment: [String: String] = [:]
    ) -> [String: Any] {
        fixture(
            "record",
            settings.merging([
                "queue": trigger.merging(["name": queue]) { $1 },
                "environment": environment.merging(["RECORD_FILE": recordFile]) { $1 },
            ]) { $1 }
        )
    }
}

/// One line the `record` fixture wrote: a message body, its receive count, when its batch started.
struct RecordedMessage: Equatable {
    var body: String
    var receiveCount: Int
    var startMicros: Int64

    /// The lines of the record file at `path`.
    static func read(_ path: String) -> [RecordedMessage] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3, let count = Int(fields[1]), let start = Int64(fields[2]) else { return nil }
            return RecordedMessage(body: String(fields[0]), receiveCount: count, startMicros: start)
        }
    }
}

/// A clock for the queue store that only moves when told to, in milliseconds since the Unix epoch.
final class ManualClock: Sendable {
    private let milliseconds: Mutex<Int64>

    /// Creates a clock that reads `start`.
    init(_ start: Int64 = 1_800_000_000_000) {
        milliseconds = Mutex(start)
    }

    /// The time now.
    var now: Int64 { milliseconds.withLock { $0 } }

    /// Moves the clock forward by `duration`.
    func advance(_ duration: Duration) {
        milliseconds.withLock { $0 += duration.wholeMilliseconds }
    }
}

extension TestClientProtocol {
    /// Posts `body` to `/queue/{queue}` and returns the response.
    func enqueue(_ body: String, to queue: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: "/queue/\(queue)", method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}
