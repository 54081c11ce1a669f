import Foundation
import Hummingbird
import NIOCore
import Runtime

extension FunctionURLRequest {
    /// The Function URL (payload 2.0) event of an HTTP request.
    ///
    /// - Parameters:
    ///   - rawPath: the path the function sees: the whole request path for manifest routes, the part after
    ///     `/function/{name}` for the function's own URL.
    ///   - routeKey: `METHOD /path` of the manifest route that matched, or `$default`.
    init(
        request: Request,
        body: ByteBuffer,
        rawPath: String,
        routeKey: String,
        pathParameters: [String: String],
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
                // The dashboard's session cookie is the invoker's, not the function's: it is left out.
                cookies += field.value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.hasPrefix(DashboardSession.cookieName + "=") }
            } else {
                headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
            }
        }
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
            pathParameters: pathParameters.isEmpty ? nil : pathParameters,
            requestContext: RequestContext(
                accountId: WorkerLaunch.accountID,
                apiId: apiID,
                domainName: host,
                domainPrefix: String(host.split(separator: ".").first ?? ""),
                http: HTTP(
                    method: request.method.rawValue,
                    path: rawPath.percentDecoded,
                    protocol: "HTTP/1.1",
                    sourceIp: sourceIP,
                    userAgent: headers["user-agent"] ?? ""
                ),
                requestId: requestID,
                routeKey: routeKey,
                stage: "$default",
                time: EpochTime.clf(epochMs: epochMs),
                timeEpoch: epochMs
            ),
            body: text,
            isBase64Encoded: isBase64
        )
    }

    /// The body as the event carries it: text as is when it is textual and valid UTF-8, base64 otherwise.
    static func bodyText(_ body: ByteBuffer, contentType: String?) -> (String?, Bool) {
        guard body.readableBytes > 0 else { return (nil, false) }
        if isTextual(contentType), let text = String(validating: body.readableBytesView, as: UTF8.self) {
            return (text, false)
        }
        return (Data(body.readableBytesView).base64EncodedString(), true)
    }

    /// Whether a content type is text that the event carries as is (as Lambda decides it).
    static func isTextual(_ contentType: String?) -> Bool {
        guard let contentType = contentType?.lowercased() else { return true }
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return mediaType.hasPrefix("text/") || mediaType.hasSuffix("+json") || mediaType.hasSuffix("+xml")
            || [
                "application/json", "application/xml", "application/javascript", "application/x-www-form-urlencoded",
                "application/graphql", "application/yaml", "application/x-yaml",
            ].contains(mediaType)
    }

    /// The decoded query parameters, repeated names joined with commas; nil when there are none.
    static func queryParameters(_ rawQuery: String) -> [String: String]? {
        var parameters: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.contains("+") ? String(part.map { $0 == "+" ? " " : $0 }) : String(part)
                return spaced.percentDecoded
            }
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            parameters[name] = parameters[name].map { "\($0),\(value)" } ?? value
        }
        return parameters.isEmpty ? nil : parameters
    }
}

extension String {
    /// The string with its percent escapes decoded; itself when it has none or they are malformed. (Foundation's
    /// decoding is skipped when there is nothing to decode: this runs for every HTTP-triggered invocation.)
    var percentDecoded: String {
        guard utf8.contains(UInt8(ascii: "%")) else { return self }
        return removingPercentEncoding ?? self
    }
}
