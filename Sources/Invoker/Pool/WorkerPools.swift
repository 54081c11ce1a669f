import ServiceLifecycle

/// Every worker pool the invoker runs, as one service: the current generation of every function, and the retired
/// ones while their last invocations finish. Pools are added as deployments make them; each runs until graceful
/// shutdown (or, retired, until its last worker exits).
struct WorkerPools: Service {
    private let tasks = LiveTasks()

    /// Runs `pool`; `ended` is called once its ``WorkerPool/run()`` returns.
    func start(_ pool: WorkerPool, ended: @escaping @Sendable () -> Void = {}) {
        tasks.add {
            await pool.run()
            ended()
        }
    }

    /// Runs every pool until graceful shutdown, then until their workers have stopped.
    func run() async {
        await tasks.run()
    }
}
