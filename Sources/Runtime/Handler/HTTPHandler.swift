/// A handler that answers HTTP requests: a Function URL (payload format 2.0) request in, a response out.
///
/// ```swift
/// struct Hello: HTTPHandler {
///     func handle(_ request: FunctionURLRequest, context: Context) async throws -> FunctionURLResponse {
///         FunctionURLResponse(text: "Hello, \(request.queryStringParameters?["name"] ?? "world")!")
///     }
/// }
/// ```
public protocol HTTPHandler: Handler where Event == FunctionURLRequest, Output == FunctionURLResponse {}
