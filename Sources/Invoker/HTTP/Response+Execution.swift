import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import Runtime

extension Response {
    /// The HTTP response for an invocation from an HTTP trigger, as a Function URL answers it: a structured
    /// `{statusCode, headers, cookies, body, isBase64Encoded}` result is unpacked, anything else is a 200
    /// `application/json` body, a stream is relayed as it comes; failures are JSON errors.
    static func functionURL(_ execution: Execution, invocationID: String) async -> Response {
        var response: Response
        switch execution.outcome {
        case .response(let body):
            response = functionURLResponse(body)
        case .httpResponse(let structured):
            response = functionURLResponse(structured)
        case .streaming(let reply):
            response = await streaming(reply)
        case .failed(let failure):
            response = Response(failure: failure)
        }
        response.headers[.amznRequestID] = invocationID
        return response
    }

    /// The JSON error an HTTP caller gets for `failure`: its status (502 function error or crash, 504 timeout, 429
    /// throttled, …), and `Retry-After` when waiting helps.
    init(failure: InvocationFailure) {
        self = .json(
            ErrorDocument(errorType: failure.errorType, errorMessage: failure.message),
            status: failure.httpStatus
        )
        if let seconds = failure.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
    }

    /// Unpacks a function's result: a structured response when it is a JSON object with `statusCode`, else a bare
    /// `application/json` body.
    static func functionURLResponse(_ body: ByteBuffer) -> Response {
        guard looksStructured(body) else { return bareJSON(body) }
        guard let structured = try? JSONDecoder().decode(FunctionURLResponse.self, from: body) else {
            return bareJSON(body)
        }
        return functionURLResponse(structured)
    }

    /// The HTTP response a structured result describes; an invalid status or base64 body is a 502 naming it.
    static func functionURLResponse(_ structured: FunctionURLResponse) -> Response {
        guard let status = HTTPResponse.Status(code: structured.statusCode, reasonPhrase: "").validated else {
            return .json(
                ErrorDocument(
                    errorType: "Runtime.InvalidResponse",
                    errorMessage: "the function returned an invalid statusCode \(structured.statusCode)"
                ),
                status: .badGateway
            )
        }
        var bytes = ByteBuffer(string: structured.body ?? "")
        if structured.isBase64Encoded == true, let text = structured.body {
            guard let data = Data(base64Encoded: text) else {
                return .json(
                    ErrorDocument(
                        errorType: "Runtime.InvalidResponse",
                        errorMessage: "the function's body is marked isBase64Encoded but is not valid base64"
                    ),
                    status: .badGateway
                )
            }
            bytes = ByteBuffer(bytes: data)
        }
        var fields = HTTPFields()
        for (name, value) in structured.headers ?? [:] {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        if fields[.contentType] == nil, bytes.readableBytes > 0 { fields[.contentType] = "application/json" }
        for cookie in structured.cookies ?? [] {
            fields.append(HTTPField(name: .setCookie, value: cookie))
        }
        fields[.contentLength] = String(bytes.readableBytes)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: bytes))
    }

    private static func bareJSON(_ body: ByteBuffer) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json", .contentLength: String(body.readableBytes)],
            body: ResponseBody(byteBuffer: body)
        )
    }

    /// A cheap test before decoding: a JSON object that mentions `statusCode`.
    private static func looksStructured(_ body: ByteBuffer) -> Bool {
        guard
            body.readableBytesView.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 })
                == UInt8(ascii: "{")
        else { return false }
        return body.withUnsafeReadableBytes { $0.offset(afterFirst: "\"statusCode\"") } != nil
    }
}

extension HTTPResponse.Status {
    /// The status when its code is a valid HTTP status (100–599).
    fileprivate var validated: Self? {
        (100...599).contains(code) ? self : nil
    }
}
