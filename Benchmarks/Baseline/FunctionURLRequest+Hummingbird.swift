import Foundation
import Hummingbird
import NIOCore
import Runtime

extension FunctionURLRequest {
    /// The Function URL (payload 2.0) event of an HTTP request, complete as the invoker builds it: headers (lower
    /// case, repeated ones joined), cookies, decoded query parameters, the request context, and the body as text or
    /// base64.
    init(
        request: Request,
        body: ByteBuffer,
        routeKey: String,
        requestID: String,
        apiID: String,
        sourceIP: String,
        epochMs: Int64
    ) {
        var headers: [String: String] = [:]
        var cookies: [String] = []
        for field in request.headers {
            let name = field.name.canonicalName
            if name == "cookie" {
                cookies += field.value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            } else {
                headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
            }
        }
        let rawPath = request.uri.path
        let rawQuery = request.uri.query ?? ""
        let host = headers["host"].map { String($0.split(separator: ":").first ?? "") } ?? "localhost"
        let (text, isBase64) = Self.bodyText(body, contentType: headers["content-type"])
        self.init(
            routeKey: routeKey,
            rawPath: rawPath,
            rawQueryString: rawQuery,
            cookies: cookies.isEmpty ? nil : cookies,
            headers: headers,
            queryStringParameters: Self.queryParameters(rawQuery),
            pathParameters: nil,
            requestContext: RequestContext(
                accountId: "000000000000",
                apiId: apiID,
                domainName: host,
                domainPrefix: String(host.split(separator: ".").first ?? ""),
                http: HTTP(
                    method: request.method.rawValue,
                    path: rawPath.removingPercentEncoding ?? rawPath,
                    protocol: "HTTP/1.1",
                    sourceIp: sourceIP,
                    userAgent: headers["user-agent"] ?? ""
                ),
                requestId: requestID,
                routeKey: routeKey,
                stage: "$default",
                time: Self.clfTime(epochMs: epochMs),
                timeEpoch: epochMs
            ),
            body: text,
            isBase64Encoded: isBase64
        )
    }

    /// The body as the event carries it: text as is when it is textual and valid UTF-8, base64 otherwise.
    private static func bodyText(_ body: ByteBuffer, contentType: String?) -> (String?, Bool) {
        guard body.readableBytes > 0 else { return (nil, false) }
        let mediaType = contentType?.lowercased().split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let textual =
            mediaType.map {
                $0.hasPrefix("text/") || $0.hasSuffix("+json") || $0.hasSuffix("+xml")
                    || ["application/json", "application/xml", "application/x-www-form-urlencoded"].contains($0)
            } ?? true
        if textual, let text = String(validating: body.readableBytesView, as: UTF8.self) {
            return (text, false)
        }
        return (Data(body.readableBytesView).base64EncodedString(), true)
    }

    /// The decoded query parameters, repeated names joined with commas; nil when there are none.
    private static func queryParameters(_ rawQuery: String) -> [String: String]? {
        var parameters: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                let spaced = $0.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let value = parts.count > 1 ? parts[1] : ""
            parameters[parts[0]] = parameters[parts[0]].map { "\($0),\(value)" } ?? value
        }
        return parameters.isEmpty ? nil : parameters
    }

    /// `requestContext.time`: the UTC time in CLF format, `21/Nov/2026:08:12:00 +0000`.
    private static func clfTime(epochMs: Int64) -> String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var seconds = time_t(epochMs / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(parts.tm_mday))/\(months[Int(parts.tm_mon)])/\(parts.tm_year + 1900):"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
