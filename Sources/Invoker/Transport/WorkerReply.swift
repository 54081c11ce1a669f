import Foundation
import NIOCore
import NIOFoundationCompat
import Runtime

/// What a worker answered to one invocation.
enum WorkerReply: Sendable {
    /// The function returned: the response bytes.
    case response(ByteBuffer)
    /// An HTTP handler on the native transport returned this response to an HTTP event, in binary form.
    case httpResponse(FunctionURLResponse)
    /// The function threw: the error as the worker reported it.
    case error(WorkerError)
    /// The worker streams its response (`Lambda-Runtime-Function-Response-Mode: streaming`, or the native
    /// transport's stream frames).
    case stream(ResponseStream)
}

extension FunctionURLResponse {
    /// The response as JSON, as a worker on the Runtime API would have sent it.
    var json: ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return ByteBuffer(bytes: (try? encoder.encode(self)) ?? Data())
    }
}
