extension QueueConsumer {
    /// How a consumer makes and retries batches.
    struct Settings: Sendable, Equatable {
        /// The most messages in one batch.
        var batchSize: Int
        /// How long to wait to fill a batch.
        var batchWindow: Duration
        /// How messages are leased and retried.
        var policy: RetryPolicy
        /// The most batches in flight at once.
        var concurrency: Int

        /// The retries of an asynchronous invocation, as Lambda's default: two.
        static let asyncRetries = 2
        /// The wait before an asynchronous invocation's first retry; it doubles for the next.
        static let asyncRetryDelay: Duration = .seconds(1)

        /// The settings of `function`'s queue trigger: its batch size and window, its `maxRetries`, its
        /// `visibilityTimeout` as the lease and the first retry delay, and its `scaling.max` batches at once.
        init(trigger: FunctionDefinition.QueueTrigger, function: FunctionDefinition) {
            self.batchSize = trigger.batchSize
            self.batchWindow = trigger.batchWindow
            // The lease covers the batch window too: its first messages are leased while it fills.
            self.policy = RetryPolicy(
                maxRetries: trigger.maxRetries,
                visibilityTimeout: trigger.visibilityTimeout + trigger.batchWindow,
                retryDelay: trigger.visibilityTimeout
            )
            self.concurrency = function.scaling.max
        }

        /// The settings of `function`'s asynchronous invocations: one event at a time, two retries one then two
        /// seconds later, a lease as long as the longest wait for a worker plus the timeout.
        init(asyncOf function: FunctionDefinition) {
            self.batchSize = 1
            self.batchWindow = .zero
            self.policy = RetryPolicy(
                maxRetries: Self.asyncRetries,
                visibilityTimeout: max(function.timeout, WorkerPool.minimumWait) + function.timeout,
                retryDelay: Self.asyncRetryDelay
            )
            self.concurrency = function.scaling.max
        }

        /// Creates settings.
        init(batchSize: Int, batchWindow: Duration, policy: RetryPolicy, concurrency: Int) {
            self.batchSize = batchSize
            self.batchWindow = batchWindow
            self.policy = policy
            self.concurrency = concurrency
        }
    }
}
