import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

extension Response {
    /// The content type of a streamed response that begins with an HTTP prelude (Lambda's
    /// `awslambda.HttpResponseStream`): a JSON `{statusCode, headers, cookies}`, eight NUL bytes, then the body.
    static let httpIntegrationContentType = "application/vnd.awslambda.http-integration-response"
    /// The most bytes read while looking for the end of a prelude.
    static let maxPreludeBytes = 64 * 1024

    /// The HTTP response for an invocation whose worker streams its response, as a Function URL in
    /// `RESPONSE_STREAM` mode answers: status, headers and cookies from the prelude (200 and the worker's content
    /// type without one), then the body, chunked, as the worker sends it. A stream that fails before its first
    /// byte gets the same error response as a buffered invocation.
    static func streaming(_ reply: StreamedReply) async -> Response {
        var status = HTTPResponse.Status.ok
        var fields = HTTPFields()
        var pending = ByteBuffer()
        if reply.stream.contentType?.hasPrefix(httpIntegrationContentType) == true {
            while pending.readableBytes < maxPreludeBytes, let chunk = await reply.stream.next() {
                pending.writeImmutableBuffer(chunk)
                if let prelude = Self.takePrelude(from: &pending) {
                    (status, fields) = prelude
                    break
                }
            }
            // The body's first bytes may still wait in the stream, even when it has already ended.
            if pending.readableBytes == 0 { pending = await reply.stream.next() ?? ByteBuffer() }
        } else {
            fields[.contentType] = reply.stream.contentType ?? "application/octet-stream"
            pending = await reply.stream.next() ?? ByteBuffer()
        }
        if pending.readableBytes == 0, reply.stream.ending?.isComplete == false,
            let failure = await reply.finish().outcome.failure
        {
            return Response(failure: failure)
        }
        return Response(
            status: status,
            headers: fields,
            body: ResponseBody { [pending] writer in
                if pending.readableBytes > 0 { try await writer.write(pending) }
                _ = await reply.relay { chunk in try await writer.write(chunk) }
                try await writer.finish(nil)
            }
        )
    }

    /// Removes the prelude and its eight-NUL separator from the front of `buffer` once both are there, and returns
    /// the status and headers it declares; nil while the separator has not arrived. An unreadable prelude counts as
    /// none (status 200, no headers).
    private static func takePrelude(from buffer: inout ByteBuffer) -> (HTTPResponse.Status, HTTPFields)? {
        let bytes = buffer.readableBytesView
        let separator = [UInt8](repeating: 0, count: 8)
        guard let range = bytes.firstRange(of: separator) else { return nil }
        let preludeLength = range.lowerBound - bytes.startIndex
        let prelude = buffer.readData(length: preludeLength) ?? Data()
        buffer.moveReaderIndex(forwardBy: separator.count)
        var fields = HTTPFields()
        guard let object = try? JSONSerialization.jsonObject(with: prelude) as? [String: Any] else {
            return (.ok, fields)
        }
        for (name, value) in object["headers"] as? [String: Any] ?? [:] {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: "\(value)")) }
        }
        for cookie in object["cookies"] as? [String] ?? [] {
            fields.append(HTTPField(name: .setCookie, value: cookie))
        }
        let code = object["statusCode"] as? Int ?? 200
        return ((100...599).contains(code) ? HTTPResponse.Status(code: code) : .ok, fields)
    }
}

extension ResponseStream.Ending {
    /// Whether the worker finished its response.
    fileprivate var isComplete: Bool {
        if case .complete = self { return true }
        return false
    }
}
