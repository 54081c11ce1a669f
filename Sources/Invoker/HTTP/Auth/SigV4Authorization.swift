/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header, as AWS
/// Signature Version 4 writes it:
///
/// ```text
/// AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=5d67…
/// ```
struct SigV4Authorization: Sendable, Equatable {
    /// The only algorithm the Invoke API accepts.
    static let algorithm = "AWS4-HMAC-SHA256"

    /// The access key id.
    var accessKeyID: String
    /// The day of the signature, `yyyyMMdd`.
    var date: String
    /// The region signed for.
    var region: String
    /// The service signed for (`lambda`).
    var service: String
    /// The signed headers' names, lower-case, in the order given.
    var signedHeaders: [String]
    /// The signature, lower-case hexadecimal.
    var signature: String

    /// The credential scope: `date/region/service/aws4_request`.
    var scope: String { "\(date)/\(region)/\(service)/aws4_request" }

    /// Parses an `Authorization` header; throws a ``SigV4Error`` saying what is missing or malformed.
    init(header: String) throws(SigV4Error) {
        guard header.hasPrefix(Self.algorithm + " ") else {
            throw .incomplete("Authorization header must start with \(Self.algorithm)")
        }
        var fields: [String: String] = [:]
        for part in header.dropFirst(Self.algorithm.count + 1).split(separator: ",") {
            let pair = part.trimmingSpaces
            guard let equals = pair.firstIndex(of: "=") else {
                throw .incomplete("Authorization header has a malformed part \"\(pair)\"")
            }
            fields[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        guard let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else {
            throw .incomplete("Authorization header requires Credential, SignedHeaders and Signature")
        }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request", scope[1].utf8.count == 8,
            scope[1].utf8.allSatisfy(\.isASCIIDigit), !scope[0].isEmpty, !scope[2].isEmpty, !scope[3].isEmpty
        else {
            throw .incomplete("Credential must be ACCESS_KEY/yyyyMMdd/REGION/SERVICE/aws4_request")
        }
        let names = signedHeaders.split(separator: ";").map { $0.lowercased() }
        guard !names.isEmpty, names.contains("host") else {
            throw .incomplete("SignedHeaders must name at least host")
        }
        guard signature.utf8.count == 64, signature.utf8.allSatisfy(\.isASCIIHexDigit) else {
            throw .incomplete("Signature must be 64 hexadecimal digits")
        }
        self.accessKeyID = scope[0]
        self.date = scope[1]
        self.region = scope[2]
        self.service = scope[3]
        self.signedHeaders = names
        self.signature = signature.lowercased()
    }
}

extension Substring {
    /// The text without leading and trailing spaces.
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}

extension UInt8 {
    /// Whether the byte is an ASCII digit, `0` to `9` (not the other digits `Character.isNumber` accepts, such as
    /// fullwidth or Arabic-Indic ones).
    var isASCIIDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }

    /// Whether the byte is an ASCII hexadecimal digit, `0`-`9`, `a`-`f` or `A`-`F` (not the fullwidth forms
    /// `Character.isHexDigit` accepts).
    var isASCIIHexDigit: Bool {
        isASCIIDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self | 0x20)
    }
}
