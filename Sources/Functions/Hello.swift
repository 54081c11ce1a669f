import Runtime

/// Greets by name over HTTP: `GET /hello?name=Ada` answers `Hello, Ada!`.
struct Hello: HTTPHandler {
    func handle(_ request: FunctionURLRequest, context: Context) async throws -> FunctionURLResponse {
        let name = request.queryStringParameters?["name"] ?? "world"
        return FunctionURLResponse(text: "Hello, \(name)!")
    }
}
