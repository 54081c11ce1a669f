import Hummingbird
import NIOCore

extension Response {
    /// A response whose body is the JSON text `json`.
    static func json(status: HTTPResponse.Status, _ json: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json", .contentLength: String(json.utf8.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json))
        )
    }

    /// A response whose body is the error document `document`.
    static func json(_ document: ErrorDocument, status: HTTPResponse.Status) -> Response {
        json(status: status, document.json)
    }
}
