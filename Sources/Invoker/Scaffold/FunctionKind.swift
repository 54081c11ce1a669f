/// The kinds of function `invoker new` writes: which handler protocol the function conforms to and how the manifest
/// triggers it.
enum FunctionKind: String, CaseIterable, Sendable {
    /// An `HTTPHandler` answering Function URL requests on the route `/NAME`.
    case http
    /// A typed `Handler` taking and returning JSON, invoked through `/function/NAME` and the Invoke API.
    case json
    /// A `QueueHandler` taking batches of the queue `NAME` and reporting the messages that failed.
    case queue

    /// The handler protocol the generated type conforms to.
    var handlerProtocol: String {
        switch self {
        case .http: "HTTPHandler"
        case .json: "Handler"
        case .queue: "QueueHandler"
        }
    }
}
