import Runtime

/// `{"ms":100}`: sleeps that long, then answers `{"slept":100}`.
struct Sleep: Handler {
    struct Request: Decodable {
        var ms: Int
    }

    struct Response: Encodable {
        var slept: Int
    }

    func handle(_ request: Request, context: Context) async throws -> Response {
        try await Task.sleep(for: .milliseconds(request.ms))
        return Response(slept: request.ms)
    }
}
