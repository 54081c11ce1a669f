import Runtime

/// Stands for a function that spends its time waiting on another service: `GET /wait?ms=50` waits that long (50 ms
/// by default, at most 10 s), then answers `waited 50 ms`. It is registered with `concurrency` 100 in
/// `functions.json`, so one worker serves a hundred such waits at once.
struct Wait: HTTPHandler {
    func handle(_ request: FunctionURLRequest, context: Context) async throws -> FunctionURLResponse {
        let requested = request.queryStringParameters?["ms"].flatMap { Int($0) } ?? 50
        let milliseconds = min(max(requested, 0), 10_000)
        try await Task.sleep(for: .milliseconds(milliseconds))
        return FunctionURLResponse(text: "waited \(milliseconds) ms")
    }
}
