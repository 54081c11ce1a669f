import Hummingbird

/// The probes a load balancer or an orchestrator polls, open without a key: liveness (`GET /healthz`) and readiness
/// (`GET /readyz`, ready when the invocation log takes writes).
struct HealthRoutes: Sendable {
    /// The log whose writability decides readiness.
    let log: InvocationLog

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
            return Response.json(status: .ok, #"{"status":"ready"}"#)
        }
    }
}
