import Runtime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `{"mb":64}`: allocates that many MiB and writes to every page, so the worker's memory really grows, then
/// answers `{"allocated":64}`; `"holdMs"` keeps the memory that long before answering.
struct Allocate: Handler {
    struct Request: Decodable {
        var mb: Int
        var holdMs: Int?
    }

    struct Response: Encodable {
        var allocated: Int
    }

    func handle(_ request: Request, context: Context) async throws -> Response {
        let byteCount = request.mb << 20
        guard let memory = malloc(byteCount) else {
            throw FixtureError(description: "could not allocate \(request.mb) MiB")
        }
        defer { free(memory) }
        let pageSize = Int(getpagesize())
        for offset in stride(from: 0, to: byteCount, by: pageSize) {
            memory.storeBytes(of: 1, toByteOffset: offset, as: UInt8.self)
        }
        if let holdMs = request.holdMs {
            try await Task.sleep(for: .milliseconds(holdMs))
        }
        return Response(allocated: request.mb)
    }
}
