import ServiceLifecycle

/// Every function's worker pool, run as one service: the pools all see graceful shutdown at once and stop their
/// workers side by side (a service group would stop them one after the other, which takes long with many functions).
struct WorkerPools: Service {
    /// The pools.
    let pools: [WorkerPool]

    /// Runs every pool until graceful shutdown, then until their workers have stopped.
    func run() async {
        await withDiscardingTaskGroup { group in
            for pool in pools {
                group.addTask { await pool.run() }
            }
        }
    }
}
