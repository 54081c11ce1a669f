import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Runtime

extension Response {
    /// The HTTP response a Function URL answers for `response`: its status, headers and cookies, and its body
    /// (base64-decoded when `isBase64Encoded`; `application/json` unless a content type is set).
    init(_ response: FunctionURLResponse) throws {
        guard (100...599).contains(response.statusCode) else {
            throw HTTPError(.badGateway, message: "the function returned an invalid statusCode")
        }
        var body = ByteBuffer(string: response.body ?? "")
        if response.isBase64Encoded == true, let text = response.body {
            guard let data = Data(base64Encoded: text) else {
                throw HTTPError(.badGateway, message: "the function's body is not valid base64")
            }
            body = ByteBuffer(bytes: data)
        }
        var fields = HTTPFields()
        for (name, value) in response.headers ?? [:] {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        if fields[.contentType] == nil, body.readableBytes > 0 { fields[.contentType] = "application/json" }
        for cookie in response.cookies ?? [] {
            fields.append(HTTPField(name: .setCookie, value: cookie))
        }
        fields[.contentLength] = String(body.readableBytes)
        self.init(
            status: HTTPResponse.Status(code: response.statusCode),
            headers: fields,
            body: ResponseBody(byteBuffer: body)
        )
    }
}
