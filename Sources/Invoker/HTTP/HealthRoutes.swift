import Hummingbird

/// The probes a load balancer or an orchestrator polls, open without a key: liveness (`GET /healthz`) and readiness
/// (`GET /readyz`, ready when the invocation log takes writes and the queue store is reachable).
struct HealthRoutes: Sendable {
    /// The log whose writability decides readiness.
    let log: InvocationLog
    /// The queue store, whose availability decides readiness too (a shared database may be unreachable).
    let queues: any QueueStore

    /// Adds the routes to `router`.
    func register(on router: some RouterMethods<InvokerRequestContext>) {
        router.get("/healthz") { _, _ in Response.json(status: .ok, #"{"status":"ok"}"#) }
        router.get("/readyz") { _, _ in
            guard await log.isWritable() else {
                return Response.json(
                    status: .serviceUnavailable,
                    #"{"status":"unavailable","reason":"the invocation log cannot be written"}"#
                )
            }
            guard await queues.isAvailable() else {
                return Response.json(
                    status: .serviceUnavailable,
                    #"{"status":"unavailable","reason":"the queue database cannot be reached"}"#
                )
            }
            return Response.json(status: .ok, #"{"status":"ready"}"#)
        }
    }
}
