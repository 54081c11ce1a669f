/// The operating-system limits of one worker process: open files, CPU seconds, processes (against fork bombs) and
/// no core dumps. Memory is enforced by the pool, which watches each busy worker's resident memory (there are no
/// cgroups here, and an address-space limit breaks multi-threaded runtimes that reserve large arenas).
///
/// The spawner's child sets them on itself before it executes the worker (see ``SpawnerProcess``): the limits hold
/// before the worker's first instruction. The process count is per user id, so it only bounds a worker that runs
/// under a user id of its own (see ``WorkerIdentity``).
struct WorkerLimits: Sendable, Equatable {
    /// The most open file descriptors.
    var openFiles: Int
    /// The most CPU seconds over the worker's life; past it the worker gets SIGXCPU, five seconds later SIGKILL.
    var cpuSeconds: Int
    /// The most processes and threads; nil leaves the limit alone.
    var processes: Int?
}
