extension InvocationLog {
    /// The buffer and bookkeeping that `append`, `flush` and the writer share, always used under the log's mutex.
    ///
    /// Records are numbered in the order they are accepted; flushes wait until every record up to a number is
    /// settled (committed, or lost during shutdown). Once records were lost, every flush reports it: losses only
    /// happen as the log shuts down. The methods only change state and return what the caller must do once the lock
    /// is released.
    struct State {
        /// What `append` must do after releasing the lock.
        enum AppendAction {
            /// Nothing: the writer is already awake or will look at the buffer again.
            case none
            /// Wake the writer up.
            case wakeWriter
            /// Report that the record was dropped because the writer has stopped.
            case droppedAfterStop
        }

        /// A caller of `flush` waiting for its records to settle.
        struct FlushWaiter {
            /// The number of records that must be settled.
            var target: UInt64
            /// Resumed once `target` records are settled.
            var continuation: CheckedContinuation<Void, any Error>
        }

        /// A flush waiter to resume once the lock is released.
        typealias Resumption = (continuation: CheckedContinuation<Void, any Error>, result: Result<Void, any Error>)

        /// The most records `buffer` holds.
        let capacity: Int
        /// The records waiting to be written, oldest first.
        private var buffer: [InvocationRecord] = []
        /// How many records were accepted.
        private var accepted: UInt64 = 0
        /// How many accepted records were committed or lost.
        private var settled: UInt64 = 0
        /// The error that made records be lost, once some were.
        private var lossError: (any Error)?
        /// How many records were refused since the log was created: buffer full, or writer stopped.
        private(set) var dropped = 0

        /// Records accepted but not yet written (or given up on).
        var backlog: Int { Int(accepted - settled) }
        /// How many records were refused since the writer last reported drops.
        private var unreportedDrops = 0
        /// Whether the writer was woken up and has not taken the buffer since.
        private var writerWoken = false
        /// Whether the writer has stopped for good.
        private var stopped = false
        /// The callers of `flush` still waiting, by waiter number.
        private var flushWaiters: [UInt64: FlushWaiter] = [:]
        /// The number of the next flush waiter.
        private var nextWaiter: UInt64 = 0

        /// Creates an empty state whose buffer holds at most `capacity` records.
        init(capacity: Int) {
            self.capacity = capacity
        }

        /// Buffers `record`, or drops and counts it when the buffer is full or the writer has stopped.
        mutating func append(_ record: InvocationRecord) -> AppendAction {
            guard !stopped else {
                dropped += 1
                return .droppedAfterStop
            }
            guard buffer.count < capacity else {
                dropped += 1
                unreportedDrops += 1
                return .none
            }
            buffer.append(record)
            accepted += 1
            guard !writerWoken else { return .none }
            writerWoken = true
            return .wakeWriter
        }

        /// Takes every buffered record; with `stopIfEmpty`, an empty buffer stops the writer for good, so that
        /// records appended from then on are dropped rather than left unwritten.
        mutating func takeBuffer(stopIfEmpty: Bool) -> [InvocationRecord] {
            writerWoken = false
            if buffer.isEmpty && stopIfEmpty {
                stopped = true
            }
            defer { buffer = [] }
            return buffer
        }

        /// Returns how many records were dropped since the last call.
        mutating func takeUnreportedDrops() -> Int {
            defer { unreportedDrops = 0 }
            return unreportedDrops
        }

        /// Marks the next `count` records as committed, or as lost because of `failure`, and returns the flush
        /// waiters that are done.
        mutating func settle(_ count: Int, failure: (any Error)? = nil) -> [Resumption] {
            settled += UInt64(count)
            if let failure {
                lossError = failure
            }
            let done = flushWaiters.filter { $0.value.target <= settled }
            for number in done.keys {
                flushWaiters[number] = nil
            }
            return done.values.map { waiter in (waiter.continuation, flushResult) }
        }

        /// Reserves the number of a flush waiter, so that it can be cancelled before it registers.
        mutating func reserveWaiterNumber() -> UInt64 {
            defer { nextWaiter += 1 }
            return nextWaiter
        }

        /// Registers a flush waiting for every record accepted so far; returns the result at once when there is
        /// nothing to wait for or the flush is cancelled.
        mutating func registerFlush(
            _ number: UInt64,
            isCancelled: Bool,
            continuation: CheckedContinuation<Void, any Error>
        ) -> Result<Void, any Error>? {
            guard !isCancelled else { return .failure(CancellationError()) }
            guard settled < accepted else { return flushResult }
            flushWaiters[number] = FlushWaiter(target: accepted, continuation: continuation)
            return nil
        }

        /// Removes a cancelled flush waiter and returns its continuation, if it was still waiting.
        mutating func cancelFlush(_ number: UInt64) -> CheckedContinuation<Void, any Error>? {
            flushWaiters.removeValue(forKey: number)?.continuation
        }

        /// What a flush whose records are settled returns: success, unless records were lost.
        private var flushResult: Result<Void, any Error> {
            lossError.map { .failure($0) } ?? .success(())
        }
    }
}
