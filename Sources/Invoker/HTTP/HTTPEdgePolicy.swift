/// What every HTTP connection of the invoker is held to before a request reaches a route: how long a client may take
/// to send a request's head and its body, how long an idle keep-alive connection is kept, how large a head and a body
/// may be, and what happens to a body the server answered without reading.
///
/// ``HTTPEdgeHandler`` applies it, one instance per connection; `invoker serve` sets it from its flags.
///
/// ```swift
/// var policy = HTTPEdgePolicy()
/// policy.headTimeout = .seconds(5)
/// ```
struct HTTPEdgePolicy: Sendable {
    /// The most time between the first byte of a request and the end of its head (request line and headers). A
    /// client that takes longer gets `408` and the connection is closed.
    var headTimeout: Duration = .seconds(10)
    /// The most time the server waits for the next piece of a request body it asked for. A client that stalls
    /// longer gets `408` (or, once the answer has started, the connection is closed).
    var bodyTimeout: Duration = .seconds(30)
    /// How long a connection may stay idle, before its first request or between requests, before the server closes
    /// it.
    var idleTimeout: Duration = .seconds(60)
    /// The largest request head, request line and headers together, in bytes; larger gets `431`.
    var maxHeaderBytes = 32 * 1024
    /// The largest request body, in bytes: Lambda's synchronous payload limit. A `Content-Length` above it is
    /// answered `413` at once, without reading the body. (Routes may have lower limits of their own, such as
    /// 256 KiB for a queue message.)
    var maxBodyBytes = Invocation.maxPayloadBytes
    /// The most unread body, in bytes, the server reads and discards after answering early, to keep a keep-alive
    /// connection; with more left (or an unknown amount, or `Connection: close`) it closes the connection instead.
    var drainLimit = 64 * 1024
    /// The most HTTP connections open at once; at the limit, new connections wait in the listen backlog until one
    /// closes. Nil is half the descriptors the process may open (``ConnectionLimit/machineDefault``), which leaves
    /// the other half to the workers, the databases and the runtime.
    var maxConnections: Int?
    /// After answering early and closing its side, how long the server goes on discarding what the client still
    /// sends, so the client reads the answer instead of a reset, before it closes the connection.
    var lingerTimeout: Duration = .seconds(2)
}
