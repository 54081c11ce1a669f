/// A typed ``Handler`` made from a closure: the closure form of ``FunctionRegistry``'s `register`.
struct ClosureHandler<Event: Decodable, Output: Encodable>: Handler {
    let body: @Sendable (Event, Context) async throws -> Output

    func handle(_ event: Event, context: Context) async throws -> Output {
        try await self.body(event, context)
    }
}
