import Logging
public import NIOCore

/// The byte-level handler: receives the raw event and writes the raw response.
///
/// Every other handler kind is adapted to this one. Implement it directly when a function wants the event's bytes
/// without JSON decoding, or wants to write its response in pieces.
///
/// ```swift
/// struct Upper: StreamingHandler {
///     func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws {
///         let text = String(buffer: event).uppercased()
///         try await responseWriter.writeAndFinish(ByteBuffer(string: text))
///     }
/// }
/// ```
public protocol StreamingHandler: Sendable {
    /// Handles one invocation.
    ///
    /// A handler that returns without finishing its response has it finished with whatever it wrote. A thrown error
    /// is reported to the invoker as the invocation's error, unless the response was already finished.
    ///
    /// - Parameters:
    ///   - event: The event's bytes, as the invoker sent them.
    ///   - responseWriter: Where the response goes.
    ///   - context: The invocation's request id, deadline and logger.
    func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws
}

/// Where a ``StreamingHandler`` writes its response.
///
/// Write the response whole with ``writeAndFinish(_:)``: it is sent in one piece. Or stream it: the first
/// ``write(_:)`` starts the stream and sends its bytes at once, every later one sends its own, and ``finish()`` ends
/// it; an HTTP caller receives each piece as it is written. Each call returns once its bytes are handed to the
/// connection, so a function that writes faster than its caller reads waits. An error thrown after the stream
/// started ends it with that error. Writing after finishing throws.
///
/// ```swift
/// struct Count: StreamingHandler {
///     func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws {
///         try await responseWriter.writeStatusAndHeaders(
///             StreamingStatusAndHeaders(headers: ["content-type": "text/plain"])
///         )
///         for line in 1...3 {
///             try await responseWriter.write(ByteBuffer(string: "line \(line)\n"))
///             try await Task.sleep(for: .milliseconds(100))
///         }
///         try await responseWriter.finish()
///     }
/// }
/// ```
public protocol ResponseWriter: Sendable {
    /// Sends bytes of the response; the first call starts streaming it.
    func write(_ buffer: ByteBuffer) async throws

    /// Starts streaming an HTTP response with its status and headers, before any of its body; throws when the body
    /// has begun. Without it, an HTTP caller gets `200` and `application/octet-stream`.
    func writeStatusAndHeaders(_ head: StreamingStatusAndHeaders) async throws

    /// Ends the response.
    func finish() async throws

    /// Sends the last bytes of the response and ends it: the whole response in one piece when nothing was written
    /// before.
    func writeAndFinish(_ buffer: ByteBuffer) async throws
}

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

/// A handler for a queue trigger: a batch of messages in (an ``SQSEvent``), the failed ones out (an
/// ``SQSBatchResponse``), exactly as Lambda's SQS event source mapping with `ReportBatchItemFailures`.
///
/// Return the ids of the messages that failed: only those are delivered again. Throwing fails the whole batch.
///
/// ```swift
/// struct Resize: QueueHandler {
///     func handle(_ event: SQSEvent, context: Context) async throws -> SQSBatchResponse {
///         var failed: [String] = []
///         for message in event.records where !resize(message.body) {
///             failed.append(message.messageId)
///         }
///         return SQSBatchResponse(failedMessageIDs: failed)
///     }
/// }
/// ```
public protocol QueueHandler: Handler where Event == SQSEvent, Output == SQSBatchResponse {}

/// A handler for a queue trigger that takes its messages one at a time: a message whose `handle` throws is reported
/// as failed (and delivered again later), the others succeed.
///
/// ```swift
/// struct Thumbnail: QueueMessageHandler {
///     func handle(_ message: SQSEvent.Message, context: Context) async throws {
///         try await render(message.body)
///     }
/// }
/// ```
public protocol QueueMessageHandler: QueueHandler {
    /// Handles one message; throw to have it delivered again.
    func handle(_ message: SQSEvent.Message, context: Context) async throws
}

extension QueueMessageHandler {
    /// Handles the batch's messages in order and reports those that threw.
    public func handle(_ event: SQSEvent, context: Context) async throws -> SQSBatchResponse {
        var failed: [String] = []
        for message in event.records {
            do {
                try await self.handle(message, context: context)
            } catch {
                context.logger.error(
                    "Message failed",
                    metadata: [
                        MetadataKey.messageID: "\(message.messageId)", MetadataKey.error: "\(FunctionError(error))",
                    ]
                )
                failed.append(message.messageId)
            }
        }
        return SQSBatchResponse(failedMessageIDs: failed)
    }
}

/// A typed ``Handler`` made from a closure: the closure form of ``FunctionRegistry``'s `register`.
struct ClosureHandler<Event: Decodable, Output: Encodable>: Handler {
    let body: @Sendable (Event, Context) async throws -> Output

    func handle(_ event: Event, context: Context) async throws -> Output {
        try await self.body(event, context)
    }
}
