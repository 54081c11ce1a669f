import Foundation

/// The JSON of a compact JWT's header and claims, read strictly: a member name that appears twice makes a token mean
/// different things to different parsers (the first `aud` to one, the last to another), so such a token is refused
/// before anything reads its claims, as RFC 7519 §4 allows.
enum JWTSegments {
    /// Whether the token's header and claims are each one JSON object in which no object repeats a member name.
    static func areUnambiguous(_ token: String) -> Bool {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3 else { return false }
        return segments.prefix(2).allSatisfy { segment in
            guard let json = decodeBase64URL(segment), case .object? = try? StrictJSONParser.parse(json) else {
                return false
            }
            return true
        }
    }

    /// The bytes of unpadded base64url `text`, or nil when it is not base64url.
    private static func decodeBase64URL(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }
}
