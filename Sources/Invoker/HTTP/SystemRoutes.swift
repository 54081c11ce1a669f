import Foundation
import Hummingbird
import NIOCore

/// The admin API's `GET /system/functions`.
struct SystemRoutes: Sendable {
    /// One function's settings and the live state of its pool, as `GET /system/functions` reports it.
    struct FunctionStatus: Codable, Sendable {
        /// The live worker counts.
        struct Workers: Codable, Sendable {
            /// Spawned, not yet ready.
            var starting: Int
            /// Waiting for work.
            var idle: Int
            /// Running an invocation.
            var busy: Int
        }

        /// The function's name.
        var name: String
        /// The generation its workers run (see ``Generation``): it changes when a reload gives the function a new
        /// binary, command, environment, limits or transport.
        var generation: String
        /// Its handler (`_HANDLER`).
        var handler: String
        /// Its command, when it is not run by the `Functions` binary.
        var command: [String]?
        /// Its HTTP routes, as `METHOD /path` (`ANY` for every method).
        var routes: [String]
        /// Its timeout, in seconds.
        var timeout: Double
        /// Its memory limit, in MiB.
        var memory: Int
        /// Its scaling minimum.
        var minWorkers: Int
        /// Its scaling maximum.
        var maxWorkers: Int
        /// Its workers now.
        var workers: Workers
        /// Requests waiting for a worker now.
        var waiting: Int
        /// Invocations that waited for a new worker, since the invoker started.
        var coldStarts: Int
        /// Invocations turned away, since the invoker started.
        var throttles: Int
        /// Workers spawned, since the invoker started.
        var spawned: Int
    }

    /// The functions whose pools are reported.
    let catalog: FunctionCatalog

    /// Adds the routes to `admin`, the group that requires the admin key.
    func register(on admin: some RouterMethods<InvokerRequestContext>) {
        admin.get("/system/functions") { _, _ in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = try encoder.encode(catalog.pools.map(Self.status))
            return Response.json(status: .ok, String(decoding: body, as: UTF8.self))
        }
    }

    /// The status of one pool.
    static func status(of pool: WorkerPool) -> FunctionStatus {
        let function = pool.function
        let status = pool.status
        return FunctionStatus(
            name: function.name,
            generation: pool.generation,
            handler: function.handler,
            command: function.command,
            routes: function.routes.flatMap { route in
                (route.methods ?? ["ANY"]).map { "\($0) \(route.path)" }
            },
            timeout: function.timeout.seconds,
            memory: function.memoryMB,
            minWorkers: function.scaling.min,
            maxWorkers: function.scaling.max,
            workers: FunctionStatus.Workers(starting: status.starting, idle: status.idle, busy: status.busy),
            waiting: status.waiting,
            coldStarts: status.counters.coldStarts,
            throttles: status.counters.throttles,
            spawned: status.counters.spawned
        )
    }
}
