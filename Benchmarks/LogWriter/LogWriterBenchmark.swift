import ArgumentParser
import Foundation
import GRDB
import Logging

/// `LogWriterBenchmark`: measures how many invocation records per second the invocation log's batched writer commits,
/// and prints the figure as JSON. `Benchmarks/run.py` calls it.
///
/// It compiles the invoker's own log sources (the other files of this folder are links to them), so it measures the
/// shipped writer without being part of the shipped `invoker`. The records are made beforehand, like those of warm
/// `hello` invocations over HTTP; the clock runs from the first `append` until ``InvocationLog/flush()`` returns, so it
/// covers appending, batching and committing to SQLite, with the same configuration as `invoker serve` except a
/// buffer large enough to hold every record at once.
///
/// ```
/// $ LogWriterBenchmark --records 200000 --db /tmp/bench.sqlite
/// {"records":200000,"recordsPerSecond":126510,"seconds":1.581}
/// ```
@main
struct LogWriterBenchmark: AsyncParsableCommand {
    /// The command's name and help.
    static let configuration = CommandConfiguration(
        abstract: "Measure the invocation log writer's records per second."
    )

    /// How many records to write.
    @Option(help: "How many records to write.")
    var records = 200_000

    /// The database to write them to, which must not exist yet.
    @Option(help: ArgumentHelp("A new SQLite file to write the records to.", valueName: "path"))
    var db: String

    /// Requires a positive count and a file that does not exist, so a real log is never filled with test records.
    func validate() throws {
        guard records > 0 else { throw ValidationError("--records must be at least 1, got \(records)") }
        guard !FileManager.default.fileExists(atPath: db) else {
            throw ValidationError("--db \(db) exists; give a path for a new file")
        }
    }

    /// Writes the records and prints `{"records","seconds","recordsPerSecond"}`.
    func run() async throws {
        let (count, seconds) = try await measure(logger: Logger(label: "invoker"))
        let result: [String: Any] = [
            "records": count,
            "seconds": (seconds * 1000).rounded() / 1000,
            "recordsPerSecond": (Double(count) / seconds).rounded(),
        ]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    /// Writes ``records`` records through a running writer; returns how many the database then holds and the seconds
    /// from the first append until they were committed.
    func measure(logger: Logger) async throws -> (records: Int, seconds: Double) {
        var configuration = InvocationLog.Configuration()
        configuration.bufferCapacity = max(configuration.bufferCapacity, records)
        let sink = try SQLiteInvocationSink(path: db)
        let log = try InvocationLog(sink: sink, configuration: configuration, logger: logger)
        let batch = Self.records(count: records)
        let elapsed = try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await log.run() }
            let start = ContinuousClock.now
            for record in batch {
                log.append(record)
            }
            try await log.flush()
            let elapsed = ContinuousClock.now - start
            group.cancelAll()
            return elapsed
        }
        let stored = try await sink.database.read { try InvocationRecord.fetchCount($0) }
        guard stored == records, log.droppedRecords == 0 else {
            throw InvocationLogError(
                code: .recordsLost,
                message: "appended \(records) records but the log holds \(stored) (\(log.droppedRecords) dropped)"
            )
        }
        let (seconds, attoseconds) = elapsed.components
        return (stored, Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// `count` records of successful warm `hello` invocations over HTTP, a tenth of a millisecond apart.
    static func records(count: Int) -> [InvocationRecord] {
        let ids = UUIDv7Generator()
        let start = Date()
        return (0..<count).map { index in
            let startedAt = start.addingTimeInterval(Double(index) / 10_000)
            return InvocationRecord(
                id: ids.next(),
                function: "hello",
                trigger: .http,
                startedAt: startedAt,
                endedAt: startedAt.addingTimeInterval(0.000_2),
                durationMs: 0.2,
                waitMs: 0.01,
                cold: false,
                status: .success,
                httpStatus: 200,
                requestBytes: 640,
                responseBytes: 90,
                workerPid: 4242,
                maxMemoryKB: 12_288
            )
        }
    }
}
