/// One function of the manifest, validated and with every default applied.
struct FunctionDefinition: Sendable, Equatable {
    /// The function's name: its key in `functions.json`.
    var name: String
    /// The handler name the worker is started with (`_HANDLER`); defaults to the function's name.
    var handler: String
    /// The executable and arguments that run the worker; nil runs the `Functions` worker binary.
    var command: [String]?
    /// The directory the worker starts in (absolute); nil is the manifest's directory.
    var workingDirectory: String?
    /// The HTTP routes that trigger the function, besides `/function/{name}`.
    var routes: [HTTPRoute]
    /// How long one invocation may run before its worker is killed.
    var timeout: Duration
    /// The memory limit of one worker, in MiB.
    var memoryMB: Int
    /// How many invocations one worker runs at once (1 to 1,000).
    var concurrency = 1
    /// How many workers the function keeps and may grow to.
    var scaling: Scaling
    /// The environment the worker sees, besides the Lambda variables.
    var environment: [String: String]
    /// The queue that triggers the function, if any.
    var queue: QueueTrigger?
    /// The operating-system limits of each worker.
    var limits = Limits()
    /// How the invoker and the function's workers talk.
    var transport: Transport = .native
    /// The schedules that invoke the function.
    var schedules: [ScheduleDefinition] = []
}

extension FunctionDefinition {
    /// An HTTP route from the manifest: a path pattern and the methods it accepts.
    struct HTTPRoute: Sendable, Equatable {
        /// The path pattern: literal segments, `{name}` parameters and an optional trailing `{name+}`.
        var path: String
        /// The methods, upper case; nil accepts any method.
        var methods: [String]?
        /// How callers authenticate.
        var auth: RouteAuth = .none
    }

    /// The scaling settings of a function's worker pool.
    struct Scaling: Sendable, Equatable {
        /// Workers kept warm at all times (0 scales to zero).
        var min: Int = 0
        /// The most workers the function may have.
        var max: Int = 8
        /// How long a worker beyond `min` may stay idle before it is retired.
        var idleTimeout: Duration = .seconds(60)
        /// How many invocations may wait for a worker before callers are throttled (429).
        var maxQueue: Int = 100
    }

    /// A queue trigger: the queue and how its messages are batched and retried.
    struct QueueTrigger: Sendable, Equatable {
        /// The queue's name.
        var name: String
        /// The most messages in one batch.
        var batchSize: Int = 10
        /// How many times a failed message is retried before it moves to the dead-letter queue.
        var maxRetries: Int = 3
        /// How long a received message stays invisible to other consumers.
        var visibilityTimeout: Duration = .seconds(30)
        /// How long a consumer waits to fill a batch.
        var batchWindow: Duration = .zero
    }

    /// The operating-system limits of each worker process.
    struct Limits: Sendable, Equatable {
        /// The most processes and threads (against fork bombs; applies when workers have user ids of their own).
        var processes = 256
        /// The most open file descriptors.
        var openFiles = 1024
        /// The most CPU seconds over a worker's life (the worker is then replaced).
        var cpuSeconds = 3600
    }

    /// How the invoker and a function's workers talk.
    enum Transport: String, Sendable, Equatable, CaseIterable {
        /// Binary frames on a Unix domain socket: the fast path of workers built with our `Runtime` library, and
        /// the default for functions in the `Functions` binary.
        case native
        /// The Lambda Runtime API over HTTP: any Lambda runtime client works; the default for `command` workers.
        case runtimeAPI = "runtime-api"
    }

    /// The defaults of a function that sets nothing but its handler.
    static let defaultTimeout: Duration = .seconds(3)
    /// The default memory limit, in MiB.
    static let defaultMemoryMB = 128
}
