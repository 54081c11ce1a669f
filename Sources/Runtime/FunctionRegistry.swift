/// The functions a worker executable contains, by name, and its entry point.
///
/// The invoker starts the executable with `_HANDLER` naming the function to run; ``run()`` picks it and serves its
/// invocations.
///
/// ```swift
/// import Runtime
///
/// var registry = FunctionRegistry()
/// registry.register("hello", Hello())
/// registry.register("add") { (numbers: [Int], context: Context) in numbers.reduce(0, +) }
/// await registry.run()
/// ```
public struct FunctionRegistry: Sendable {
    var handlers: [String: any StreamingHandler] = [:]

    /// Creates an empty registry.
    public init() {}

    /// The registered names, sorted.
    public var names: [String] {
        self.handlers.keys.sorted()
    }

    /// Registers a byte-level handler under `name`.
    ///
    /// - Precondition: No function is registered under `name` yet.
    public mutating func register(_ name: String, _ handler: some StreamingHandler) {
        precondition(self.handlers[name] == nil, "A function named '\(name)' is already registered")
        self.handlers[name] = handler
    }

    /// Registers a typed JSON (or HTTP) handler under `name`.
    ///
    /// - Precondition: No function is registered under `name` yet.
    public mutating func register(_ name: String, _ handler: some Handler) {
        self.register(name, CodableAdapter(handler))
    }

    /// Registers a closure taking a JSON event and returning a JSON result under `name`.
    ///
    /// ```swift
    /// registry.register("greet") { (event: Person, context: Context) in
    ///     Greeting(greeting: "Hello, \(event.name)!")
    /// }
    /// ```
    ///
    /// - Precondition: No function is registered under `name` yet.
    public mutating func register<Event: Decodable, Output: Encodable>(
        _ name: String,
        _ body: @escaping @Sendable (Event, Context) async throws -> Output
    ) {
        self.register(name, ClosureHandler(body: body))
    }
}
