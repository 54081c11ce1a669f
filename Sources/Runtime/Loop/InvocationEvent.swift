package import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An invocation's event as the loop receives it: bytes, as the Runtime API carries every event, or an HTTP request
/// that the native transport carries in binary form, so that an ``HTTPHandler`` gets it without JSON.
package enum InvocationEvent: Sendable, Equatable {
    /// The event's bytes (JSON).
    case bytes(ByteBuffer)
    /// A Function URL request.
    case http(FunctionURLRequest)

    /// The event as JSON bytes, for handlers that take bytes.
    var bytes: ByteBuffer {
        get throws {
            switch self {
            case .bytes(let bytes): bytes
            case .http(let request): ByteBuffer(bytes: try JSONEncoder().encode(request))
            }
        }
    }
}
