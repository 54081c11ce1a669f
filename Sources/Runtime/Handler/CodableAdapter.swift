import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs a typed ``Handler`` as a ``StreamingHandler``: decodes the event from JSON, encodes the output as JSON.
///
/// Unless the handler takes a ``FunctionURLRequest`` itself, an HTTP request's event is unwrapped and the handler's
/// event decoded from the request body, base64-decoded when the request says so.
struct CodableAdapter<Wrapped: Handler>: StreamingHandler {
    private let handler: Wrapped
    private let decoder = JSONDecoder()
    private let encoder: JSONEncoder

    init(_ handler: Wrapped) {
        self.handler = handler
        self.encoder = JSONEncoder()
        self.encoder.outputFormatting = .withoutEscapingSlashes
    }

    func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws {
        let input = try self.decode(Data(event.readableBytesView))
        let output = try await self.handler.handle(input, context: context)
        try await responseWriter.writeAndFinish(ByteBuffer(bytes: try self.encoder.encode(output)))
    }

    private func decode(_ json: Data) throws -> Wrapped.Event {
        if Wrapped.Event.self == FunctionURLRequest.self {
            return try self.decode(Wrapped.Event.self, from: json, source: "event")
        }
        switch try self.decode(IncomingEvent<Wrapped.Event>.self, from: json, source: "event") {
        case .event(let event):
            return event
        case .httpRequest(body: nil, isBase64Encoded: _):
            throw FunctionError(
                type: "Runtime.InvalidEvent",
                message: "The HTTP request has no body; expected a JSON \(Wrapped.Event.self)"
            )
        case .httpRequest(body: let body?, isBase64Encoded: false):
            return try self.decode(Wrapped.Event.self, from: Data(body.utf8), source: "HTTP request body")
        case .httpRequest(body: let body?, isBase64Encoded: true):
            guard let bytes = Data(base64Encoded: body) else {
                throw FunctionError(
                    type: "Runtime.InvalidEvent",
                    message: "The HTTP request body is marked base64-encoded but is not valid base64"
                )
            }
            return try self.decode(Wrapped.Event.self, from: bytes, source: "HTTP request body")
        }
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from json: Data, source: String) throws -> Value {
        do {
            return try self.decoder.decode(type, from: json)
        } catch let error as DecodingError {
            throw FunctionError(
                type: "Runtime.InvalidEvent",
                message: "The \(source) is not a valid \(Wrapped.Event.self): \(error.summary)"
            )
        }
    }
}

/// A handler that can take an HTTP event as a typed request and answer a typed response, which the native transport
/// carries without JSON.
protocol HTTPEventHandler: Sendable {
    /// Handles one HTTP event.
    func handle(http request: FunctionURLRequest, context: Context) async throws -> FunctionURLResponse
}

extension CodableAdapter: HTTPEventHandler
where Wrapped.Event == FunctionURLRequest, Wrapped.Output == FunctionURLResponse {
    func handle(http request: FunctionURLRequest, context: Context) async throws -> FunctionURLResponse {
        try await self.handler.handle(request, context: context)
    }
}
