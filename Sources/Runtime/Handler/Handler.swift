/// A handler that takes a JSON event and returns a JSON result.
///
/// The event is decoded from the invocation's body with `JSONDecoder`. When the function is called over HTTP, the
/// event is decoded from the HTTP request's body instead, so the same handler serves raw invokes and HTTP triggers.
/// The output is encoded as plain JSON, which the invoker answers over HTTP as a `200` with `application/json`.
///
/// ```swift
/// struct Greet: Handler {
///     struct Input: Decodable { var name: String }
///     struct Output: Encodable { var greeting: String }
///
///     func handle(_ event: Input, context: Context) async throws -> Output {
///         Output(greeting: "Hello, \(event.name)!")
///     }
/// }
/// ```
public protocol Handler: Sendable {
    /// The type the event is decoded to.
    associatedtype Event: Decodable
    /// The type of the result, encoded as JSON.
    associatedtype Output: Encodable

    /// Handles one invocation and returns its result.
    ///
    /// A thrown error is reported to the invoker as the invocation's error; see ``ReportableError`` to choose its
    /// type and message.
    func handle(_ event: Event, context: Context) async throws -> Output
}
