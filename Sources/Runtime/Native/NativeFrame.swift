package import NIOCore

/// One message of the native transport between the invoker and a Swift worker: a compact binary frame on a Unix
/// domain socket, in place of the Runtime API's HTTP requests.
///
/// Every frame is a 32-bit big-endian length (of what follows), a kind byte and the kind's fields. Strings are
/// UTF-8 with a 16-bit length (32-bit for messages and optional strings, where `0xFFFF_FFFF` means absent); the
/// event and response bytes run to the end of the frame, unencoded.
///
/// The worker sends ``ready`` once, when it first asks for work; after that every ``response``, ``httpResponse``,
/// ``error``, ``streamEnd`` or ``streamError`` also asks for the next invocation, so a warm invocation is one frame
/// each way. HTTP events and their responses travel in the binary form of `NativeHTTPCoding`, not as JSON.
///
/// A streamed response is ``streamStart``, any number of ``streamChunk``s, then ``streamEnd`` or ``streamError``.
/// Every one of them names its invocation, so the streams of several invocations may share a connection.
package enum NativeFrame: Sendable, Equatable {
    /// The invoker hands the worker an invocation.
    case invoke(NativeInvocation)
    /// The worker is initialised and waits for its first invocation.
    case ready
    /// The worker's response to invocation `id`.
    case response(id: String, body: ByteBuffer)
    /// The worker's response to an HTTP event, in binary form.
    case httpResponse(id: String, response: FunctionURLResponse)
    /// The error invocation `id` ended with.
    case error(id: String, type: String, message: String)
    /// The worker could not initialise; it exits after sending this.
    case initError(type: String, message: String)
    /// The worker starts streaming its response to invocation `id`, declared as `contentType`.
    case streamStart(id: String, contentType: String)
    /// The next bytes of invocation `id`'s streamed response, at most ``maxStreamChunk`` of them.
    case streamChunk(id: String, body: ByteBuffer)
    /// The worker finished streaming its response to invocation `id`.
    case streamEnd(id: String)
    /// Invocation `id` failed after its response started streaming: the stream ends with this error.
    case streamError(id: String, type: String, message: String)

    /// The largest frame either side accepts: a 6 MiB payload and generous room for its metadata.
    package static let maxLength = 6_291_456 + 65_536

    /// The most bytes one ``streamChunk`` carries: a longer write is sent as several chunks, so a stream of any
    /// length is relayed in pieces the invoker can hold.
    package static let maxStreamChunk = 1 << 20

    private enum Kind: UInt8 {
        case invoke = 1
        case ready = 2
        case response = 3
        case error = 4
        case initError = 5
        case invokeHTTP = 6
        case httpResponse = 7
        case streamStart = 8
        case streamChunk = 9
        case streamEnd = 10
        case streamError = 11

        /// Whether a frame of this kind must end where its last field does: the stream frames, which are strict
        /// about it from the start (the older kinds ignore trailing bytes).
        var endsAtItsFields: Bool {
            switch self {
            case .streamStart, .streamEnd, .streamError: true
            default: false
            }
        }
    }

    private static let absent = UInt32.max

    /// Appends the frame, with its length prefix, to `buffer`.
    package func write(to buffer: inout ByteBuffer) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        switch self {
        case .invoke(let invocation):
            if case .http = invocation.event {
                buffer.writeInteger(Kind.invokeHTTP.rawValue)
            } else {
                buffer.writeInteger(Kind.invoke.rawValue)
            }
            Self.writeShort(invocation.id, to: &buffer)
            buffer.writeInteger(invocation.deadline)
            Self.writeShort(invocation.invokedFunctionARN, to: &buffer)
            Self.writeShort(invocation.traceID, to: &buffer)
            Self.writeLong(invocation.clientContext, to: &buffer)
            Self.writeLong(invocation.cognitoIdentity, to: &buffer)
            switch invocation.event {
            case .bytes(let bytes): buffer.writeImmutableBuffer(bytes)
            case .http(let request): buffer.writeFunctionURLRequest(request)
            }
        case .ready:
            buffer.writeInteger(Kind.ready.rawValue)
        case .response(let id, let body):
            buffer.writeInteger(Kind.response.rawValue)
            Self.writeShort(id, to: &buffer)
            buffer.writeImmutableBuffer(body)
        case .httpResponse(let id, let response):
            buffer.writeInteger(Kind.httpResponse.rawValue)
            Self.writeShort(id, to: &buffer)
            buffer.writeFunctionURLResponse(response)
        case .error(let id, let type, let message):
            buffer.writeInteger(Kind.error.rawValue)
            Self.writeShort(id, to: &buffer)
            Self.writeShort(type, to: &buffer)
            Self.writeLong(message, to: &buffer)
        case .initError(let type, let message):
            buffer.writeInteger(Kind.initError.rawValue)
            Self.writeShort(type, to: &buffer)
            Self.writeLong(message, to: &buffer)
        case .streamStart(let id, let contentType):
            buffer.writeInteger(Kind.streamStart.rawValue)
            Self.writeShort(id, to: &buffer)
            Self.writeShort(contentType, to: &buffer)
        case .streamChunk(let id, let body):
            buffer.writeInteger(Kind.streamChunk.rawValue)
            Self.writeShort(id, to: &buffer)
            buffer.writeImmutableBuffer(body)
        case .streamEnd(let id):
            buffer.writeInteger(Kind.streamEnd.rawValue)
            Self.writeShort(id, to: &buffer)
        case .streamError(let id, let type, let message):
            buffer.writeInteger(Kind.streamError.rawValue)
            Self.writeShort(id, to: &buffer)
            Self.writeShort(type, to: &buffer)
            Self.writeLong(message, to: &buffer)
        }
        buffer.setInteger(UInt32(buffer.writerIndex - lengthIndex - 4), at: lengthIndex)
    }

    /// Reads one frame's fields (after its length prefix) from `body`, which holds exactly that frame.
    package init(reading body: inout ByteBuffer) throws(NativeFrameError) {
        guard let rawKind = body.readInteger(as: UInt8.self) else { throw NativeFrameError("an empty frame") }
        guard let kind = Kind(rawValue: rawKind) else { throw NativeFrameError("a frame of unknown kind \(rawKind)") }
        switch kind {
        case .invoke, .invokeHTTP:
            let id = try Self.readShort(&body, "invocation id")
            guard let deadline = body.readInteger(as: Int64.self) else { throw NativeFrameError("no deadline") }
            self = .invoke(
                NativeInvocation(
                    id: id,
                    deadline: deadline,
                    invokedFunctionARN: try Self.readShort(&body, "function ARN"),
                    traceID: try Self.readShort(&body, "trace id"),
                    clientContext: try Self.readLong(&body, "client context"),
                    cognitoIdentity: try Self.readLong(&body, "Cognito identity"),
                    event: kind == .invokeHTTP
                        ? .http(try body.readFunctionURLRequest()) : .bytes(body.readSlice(length: body.readableBytes)!)
                )
            )
        case .ready:
            self = .ready
        case .response:
            let id = try Self.readShort(&body, "invocation id")
            self = .response(id: id, body: body.readSlice(length: body.readableBytes)!)
        case .httpResponse:
            let id = try Self.readShort(&body, "invocation id")
            self = .httpResponse(id: id, response: try body.readFunctionURLResponse())
        case .error:
            let id = try Self.readShort(&body, "invocation id")
            let type = try Self.readShort(&body, "error type")
            guard let message = try Self.readLong(&body, "error message") else {
                throw NativeFrameError("an error without a message")
            }
            self = .error(id: id, type: type, message: message)
        case .initError:
            let type = try Self.readShort(&body, "error type")
            guard let message = try Self.readLong(&body, "error message") else {
                throw NativeFrameError("an init error without a message")
            }
            self = .initError(type: type, message: message)
        case .streamStart:
            let id = try Self.readShort(&body, "invocation id")
            self = .streamStart(id: id, contentType: try Self.readShort(&body, "content type"))
        case .streamChunk:
            let id = try Self.readShort(&body, "invocation id")
            guard body.readableBytes <= Self.maxStreamChunk else {
                throw NativeFrameError(
                    "a stream chunk of \(body.readableBytes) bytes, more than the \(Self.maxStreamChunk) allowed"
                )
            }
            self = .streamChunk(id: id, body: body.readSlice(length: body.readableBytes)!)
        case .streamEnd:
            self = .streamEnd(id: try Self.readShort(&body, "invocation id"))
        case .streamError:
            let id = try Self.readShort(&body, "invocation id")
            let type = try Self.readShort(&body, "error type")
            guard let message = try Self.readLong(&body, "error message") else {
                throw NativeFrameError("a stream error without a message")
            }
            self = .streamError(id: id, type: type, message: message)
        }
        guard body.readableBytes == 0 || !kind.endsAtItsFields else {
            throw NativeFrameError("\(body.readableBytes) bytes after the fields of a frame of kind \(rawKind)")
        }
    }

    private static func writeShort(_ string: String, to buffer: inout ByteBuffer) {
        let utf8 = string.utf8.prefix(Int(UInt16.max))
        buffer.writeInteger(UInt16(utf8.count))
        buffer.writeBytes(utf8)
    }

    private static func writeLong(_ string: String?, to buffer: inout ByteBuffer) {
        guard let string else {
            buffer.writeInteger(absent)
            return
        }
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        let count = buffer.writeString(string)
        buffer.setInteger(UInt32(count), at: lengthIndex)
    }

    private static func readShort(_ buffer: inout ByteBuffer, _ field: String) throws(NativeFrameError) -> String {
        guard let length = buffer.readInteger(as: UInt16.self), let string = buffer.readString(length: Int(length))
        else { throw NativeFrameError("a truncated \(field)") }
        return string
    }

    private static func readLong(_ buffer: inout ByteBuffer, _ field: String) throws(NativeFrameError) -> String? {
        guard let length = buffer.readInteger(as: UInt32.self) else { throw NativeFrameError("a truncated \(field)") }
        guard length != absent else { return nil }
        guard let string = buffer.readString(length: Int(length)) else {
            throw NativeFrameError("a truncated \(field)")
        }
        return string
    }
}

/// An invocation as the native transport carries it: the Runtime API's metadata and the event's bytes.
package struct NativeInvocation: Sendable, Equatable {
    /// The request id.
    package var id: String
    /// The deadline, in milliseconds since the Unix epoch.
    package var deadline: Int64
    /// The function's ARN.
    package var invokedFunctionARN: String
    /// The X-Ray style trace header.
    package var traceID: String
    /// The client context, as JSON.
    package var clientContext: String?
    /// The Cognito identity, as JSON.
    package var cognitoIdentity: String?
    /// The event.
    package var event: InvocationEvent

    /// Creates an invocation from its parts.
    package init(
        id: String,
        deadline: Int64,
        invokedFunctionARN: String,
        traceID: String,
        clientContext: String?,
        cognitoIdentity: String?,
        event: InvocationEvent
    ) {
        self.id = id
        self.deadline = deadline
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.event = event
    }
}

/// A frame that breaks the native transport's format; the connection cannot go on after it.
package struct NativeFrameError: Error, CustomStringConvertible {
    /// What was wrong.
    package var description: String
    /// The frame was longer than ``NativeFrame/maxLength``.
    package var isTooLarge = false

    init(_ problem: String, isTooLarge: Bool = false) {
        self.description = "The native transport received \(problem)"
        self.isTooLarge = isTooLarge
    }
}
