import ServiceLifecycle

/// Runs a service on Swift's global concurrent executor rather than the event loops that `invoker serve` prefers:
/// for services whose work is database commits and JSON, which would otherwise hold up the loops' I/O (measured:
/// the queue consumers and the log writer are faster here).
struct OnConcurrencyPool: Service {
    /// The service to run.
    let service: any Service

    func run() async throws {
        try await withTaskExecutorPreference(globalConcurrentExecutor) {
            try await service.run()
        }
    }
}
