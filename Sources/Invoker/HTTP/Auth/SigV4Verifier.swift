import Crypto
import Foundation
import HTTPTypes
import NIOCore

/// Checks AWS Signature Version 4 signatures of Invoke API requests, as AWS computes them for the `lambda` service:
/// the canonical request, the string to sign, and the HMAC-SHA256 key chain from a configured secret key.
///
/// ```swift
/// let verifier = SigV4Verifier(credentials: try AWSCredentials(contentsOf: "invoke-credentials"))
/// let key = try verifier.verify(SigV4Verifier.Request(request, body: body), now: Date())
/// ```
struct SigV4Verifier: Sendable {
    /// The service Invoke API signatures are scoped to.
    static let service = "lambda"
    /// How far a signature's time may be from the invoker's clock, either way: AWS's 15 minutes.
    static let allowedSkew: TimeInterval = 15 * 60

    /// What a signature covers, taken from the HTTP request as it arrived.
    struct Request: Sendable {
        /// The method, `POST`.
        var method: String
        /// The path as sent, percent-encoding and all, without the query.
        var path: String
        /// The query as sent, without `?`; empty when there is none.
        var query: String
        /// The `Host` header (HTTP/1.1) or `:authority`.
        var host: String
        /// The other headers.
        var headers: HTTPFields
        /// The body.
        var body: ByteBuffer
    }

    /// The accepted keys.
    let credentials: AWSCredentials

    /// Verifies `request`'s signature at `now`; returns the key that signed it, or throws why it is not valid.
    @discardableResult
    func verify(_ request: Request, now: Date) throws(SigV4Error) -> AWSCredentials.Key {
        guard let header = request.headers[.authorization] else { throw .missing }
        let authorization = try SigV4Authorization(header: header)
        guard let key = credentials.keys[authorization.accessKeyID] else { throw .unknownKey }
        guard authorization.service == Self.service else {
            throw .invalid("Credential should be scoped to correct service: '\(Self.service)'.")
        }
        guard let amzDate = request.headers[.amzDate], let signedAt = Self.date(amzDate) else {
            throw .incomplete("Authorization header requires existence of a valid X-Amz-Date header")
        }
        guard authorization.signedHeaders.contains("x-amz-date") else {
            throw .incomplete("SignedHeaders must include x-amz-date")
        }
        guard amzDate.hasPrefix(authorization.date) else {
            throw .invalid("Credential date \(authorization.date) does not match X-Amz-Date \(amzDate)")
        }
        let now = now.timeIntervalSince1970
        let signed = signedAt.timeIntervalSince1970
        if signed < now - Self.allowedSkew {
            throw .invalid("Signature expired: \(amzDate) is now earlier than the allowed 15 minutes")
        }
        if signed > now + Self.allowedSkew {
            throw .invalid("Signature not yet current: \(amzDate) is later than the allowed 15 minutes")
        }
        let payloadHash = Hex.lowercase(Array(SHA256.hash(data: Data(request.body.readableBytesView))))
        if let declared = request.headers[.amzContentSHA256], declared.lowercased() != payloadHash {
            throw .invalid("The provided x-amz-content-sha256 header does not match what was computed.")
        }
        let canonical = Self.canonicalRequest(
            request,
            signedHeaders: authorization.signedHeaders,
            payloadHash: payloadHash
        )
        let expected = Self.signature(
            canonicalRequest: canonical,
            amzDate: amzDate,
            authorization: authorization,
            secret: key.secretAccessKey
        )
        guard BearerKey.constantTimeEqual(expected, authorization.signature) else {
            throw .invalid(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret"
                    + " Access Key and signing method. Consult the service documentation for details."
            )
        }
        return key
    }

    /// The canonical request: method, canonical URI, canonical query, canonical headers, signed headers, payload hash.
    static func canonicalRequest(_ request: Request, signedHeaders: [String], payloadHash: String) -> String {
        let headers = signedHeaders.map { name -> String in
            let values =
                name == "host"
                ? [request.host]
                : HTTPField.Name(name).map { request.headers[values: $0] } ?? []
            return "\(name):\(values.map(normalizedValue).joined(separator: ","))\n"
        }
        return [
            request.method.uppercased(),
            uriEncode(request.path.isEmpty ? "/" : request.path, keepingSlashes: true),
            canonicalQuery(request.query),
            headers.joined(),
            signedHeaders.joined(separator: ";"),
            payloadHash,
        ].joined(separator: "\n")
    }

    /// The hex signature of `canonicalRequest` with `secret`, for the scope `authorization` names.
    static func signature(
        canonicalRequest: String,
        amzDate: String,
        authorization: SigV4Authorization,
        secret: String
    ) -> String {
        let stringToSign = [
            SigV4Authorization.algorithm, amzDate, authorization.scope,
            Hex.lowercase(Array(SHA256.hash(data: Data(canonicalRequest.utf8)))),
        ].joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [authorization.date, authorization.region, authorization.service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return Hex.lowercase(Array(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key)))
    }

    /// The query's parameters, decoded, encoded again as AWS encodes them, and sorted by name, then value.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func encoded(_ text: Substring?) -> String {
                let raw = String(text ?? "")
                return uriEncode(raw.removingPercentEncoding ?? raw, keepingSlashes: false)
            }
            return (encoded(parts.first), encoded(parts.count > 1 ? parts[1] : nil))
        }
        return
            pairs
            .sorted {
                $0.0 == $1.0
                    ? $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) : $0.0.utf8.lexicographicallyPrecedes($1.0.utf8)
            }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// Percent-encodes every byte but the unreserved ones (and `/` when `keepingSlashes`), with upper-case digits:
    /// AWS's `UriEncode`. The path is encoded as it arrived, so its own escapes are encoded again, as botocore does.
    static func uriEncode(_ text: String, keepingSlashes: Bool) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepingSlashes:
                encoded.append("/")
            default:
                encoded +=
                    "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
            }
        }
        return encoded
    }

    /// A header value trimmed, with runs of spaces inside it made one.
    private static func normalizedValue(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    /// The instant an `X-Amz-Date` (`yyyyMMdd'T'HHmmss'Z'`) names.
    static func date(_ text: String) -> Date? {
        let digits = Array(text.utf8)
        guard digits.count == 16, digits[8] == UInt8(ascii: "T"), digits[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard digits[range].allSatisfy(\.isASCIIDigit) else { return nil }
            return Int(String(decoding: digits[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }
}
