import Runtime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `{"processes":500}`: forks up to that many children that sleep until they are killed, the way a fork bomb starts
/// (bounded, so a test that fails cannot take the machine down); answers how many it made and whether the system
/// refused one: `{"created":250,"refused":true}`.
struct ForkBomb: Handler {
    struct Request: Decodable {
        var processes: Int
    }

    struct Response: Encodable {
        var created: Int
        var refused: Bool
    }

    func handle(_ request: Request, context: Context) async throws -> Response {
        var created = 0
        for _ in 0..<request.processes {
            let pid = fork()
            if pid == 0 {
                // The child only calls async-signal-safe functions: it waits to be killed with its group.
                while true { pause() }
            }
            guard pid > 0 else { return Response(created: created, refused: true) }
            created += 1
        }
        return Response(created: created, refused: false)
    }
}
