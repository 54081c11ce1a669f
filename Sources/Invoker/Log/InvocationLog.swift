import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The single writer of the invocation log: buffers records appended from anywhere and writes them to its
/// ``InvocationSink`` (the SQLite file by default) in batches, off the request path.
///
/// `append` only takes a lock and appends to an in-memory buffer; ``run()`` writes whatever accumulated in one
/// transaction per batch. On graceful shutdown or cancellation ``run()`` writes everything still buffered before it
/// returns, so the log must shut down after the services that append to it: list it before them in the
/// `ServiceGroup` (services shut down in reverse order).
///
/// ```swift
/// let log = try InvocationLog(path: InvocationLog.defaultDatabasePath, logger: logger)
/// let group = ServiceGroup(services: [log, server], logger: logger)
/// log.append(record)  // from any task or thread
/// ```
final class InvocationLog: Service {
    /// Where `invoker serve` keeps the log and `invoker logs` reads it, relative to the current directory.
    static let defaultDatabasePath = ".invoker/invocations.sqlite"

    /// Where records are written.
    let sink: any InvocationSink
    /// How records are buffered and written.
    let configuration: Configuration
    /// Where write failures and dropped records are reported.
    let logger: Logger
    /// The buffer and the bookkeeping shared with the writer.
    let state: Mutex<State>
    /// Wakes the writer when records arrive in an empty buffer.
    let wakeUps: AsyncStream<Void>
    /// The sending side of ``wakeUps``.
    let wakeUpContinuation: AsyncStream<Void>.Continuation

    /// Opens the log in the SQLite file at `path`, creating the file and its parent directories if needed, and
    /// brings its schema up to date; throws an ``InvocationLogError`` (code `cannotOpen`, or `invalidRetention` for a
    /// `retainDays` below 1 or a `retainRows` below 0).
    convenience init(path: String, configuration: Configuration = Configuration(), logger: Logger) throws {
        try Self.check(configuration)
        try self.init(
            sink: SQLiteInvocationSink(path: path, busyTimeout: configuration.busyTimeout),
            configuration: configuration,
            logger: logger
        )
    }

    /// A log that writes to `sink`; throws an ``InvocationLogError`` with code `invalidRetention` for a `retainDays`
    /// below 1 or a `retainRows` below 0.
    init(sink: any InvocationSink, configuration: Configuration = Configuration(), logger: Logger) throws {
        try Self.check(configuration)
        self.sink = sink
        self.configuration = configuration
        self.logger = logger
        self.state = Mutex(State(capacity: configuration.bufferCapacity))
        (wakeUps, wakeUpContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Throws unless the retention of `configuration` is one that can be kept.
    private static func check(_ configuration: Configuration) throws {
        if let days = configuration.retainDays, days < 1 {
            throw InvocationLogError(
                code: .invalidRetention,
                message: "invocation records must be kept for at least 1 day, not \(days) (nil keeps them all)"
            )
        }
        if let rows = configuration.retainRows {
            try checkRetained(rows: rows)
        }
    }

    /// Queues `record` to be written; never blocks and never touches the database.
    ///
    /// When the buffer is full, or the writer has stopped, the record is dropped; drops are counted in
    /// ``droppedRecords`` and reported in the log.
    func append(_ record: InvocationRecord) {
        switch state.withLock({ $0.append(record) }) {
        case .none:
            break
        case .wakeWriter:
            wakeUpContinuation.yield()
        case .droppedAfterStop:
            var logger = logger
            logger[metadataKey: LogKey.invocation] = "\(record.id)"
            logger.warning("Invocation record dropped: the invocation log writer has stopped")
        }
    }

    /// Returns once every record appended before the call is committed.
    ///
    /// Waits for ``run()`` to write them, however long that takes (until the task is cancelled). Throws an
    /// ``InvocationLogError`` with code `recordsLost` once records could not be written during shutdown.
    func flush() async throws {
        let number = state.withLock { $0.reserveWaiterNumber() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate = state.withLock {
                    $0.registerFlush(number, isCancelled: Task.isCancelled, continuation: continuation)
                }
                if let immediate {
                    continuation.resume(with: immediate)
                }
            }
        } onCancel: {
            state.withLock { $0.cancelFlush(number) }?.resume(throwing: CancellationError())
        }
    }

    /// How many appended records are waiting to be written.
    var backlog: Int {
        state.withLock { $0.backlog }
    }

    /// Whether the database takes writes now.
    func isWritable() async -> Bool {
        await sink.isWritable()
    }

    /// How many records were dropped since the log was opened, because the buffer was full or the writer had
    /// stopped.
    var droppedRecords: Int {
        state.withLock { $0.dropped }
    }
}
