import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension RuntimeAPIHandler {
    /// The invocation id of a request that streams its response: `POST …/invocation/{id}/response` with
    /// `Lambda-Runtime-Function-Response-Mode: streaming`; nil for every other request.
    static func streamedResponseID(_ head: HTTPRequestHead) -> String? {
        guard head.method == .POST,
            head.headers.first(name: "lambda-runtime-function-response-mode")?.lowercased() == "streaming"
        else { return nil }
        let parts = head.uri.split(separator: "/", omittingEmptySubsequences: false)
        // "", "2018-06-01", "runtime", "invocation", id, "response"
        guard parts.count == 6, parts[1] == "2018-06-01", parts[2] == "runtime", parts[3] == "invocation",
            parts[5] == "response"
        else { return nil }
        return String(parts[4])
    }

    /// How a streamed response ended, from its trailers: an error when they carry
    /// `Lambda-Runtime-Function-Error-Type` (with the error document, base64-encoded, in
    /// `Lambda-Runtime-Function-Error-Body`), else complete.
    static func ending(trailers: HTTPHeaders?) -> ResponseStream.Ending {
        guard let type = trailers?.first(name: "lambda-runtime-function-error-type") else { return .complete }
        let encoded = trailers?.first(name: "lambda-runtime-function-error-body") ?? ""
        guard let data = Data(base64Encoded: encoded), !data.isEmpty else {
            return .error(WorkerError(type: type, message: "the function failed while streaming its response"))
        }
        return .error(WorkerError(posted: ByteBuffer(data: data), headerType: type))
    }
}
