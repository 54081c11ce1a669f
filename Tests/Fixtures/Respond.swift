import Runtime

/// Returns the Function URL response it is given as its event, so tests can check how the invoker maps it.
struct Respond: Handler {
    func handle(_ response: FunctionURLResponse, context: Context) async throws -> FunctionURLResponse {
        response
    }
}
