import Crypto
import CryptoExtras
import Foundation
import JWTKit

/// Keys made for one test, and tokens signed with them by hand (so a test can also make the tokens an attacker
/// would: unsigned, HMAC-signed with the public key, or with a changed payload). The JWKS holds the public keys.
struct TestSigner: Sendable {
    /// The RSA key's `kid`.
    static let rsaKID = "rsa-1"
    /// The EC (P-256) key's `kid`.
    static let ecKID = "ec-1"

    let rsa: _RSA.Signing.PrivateKey
    let ec: P256.Signing.PrivateKey

    /// Generates an RSA 2048 and a P-256 key.
    init() throws {
        rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        ec = P256.Signing.PrivateKey()
    }

    /// The JWKS of both public keys, as an identity provider publishes it.
    var jwks: String {
        let primitives = try! JWTKit.Insecure.RSA.PublicKey(backing: rsa.publicKey).getKeyPrimitives()
        let point = Array(ec.publicKey.x963Representation)
        let keys: [[String: String]] = [
            [
                "kty": "RSA", "kid": Self.rsaKID, "use": "sig", "alg": "RS256",
                "n": Self.base64URL(primitives.modulus), "e": Self.base64URL(primitives.publicExponent),
            ],
            [
                "kty": "EC", "kid": Self.ecKID, "use": "sig", "crv": "P-256",
                "x": Self.base64URL(Data(point[1...32])), "y": Self.base64URL(Data(point[33...64])),
            ],
        ]
        let data = try! JSONSerialization.data(withJSONObject: ["keys": keys], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The RSA public key in PEM form (what an HS256 confusion attack uses as its HMAC secret).
    var rsaPublicPEM: String { rsa.publicKey.pemRepresentation }

    /// A token with `claims`, signed with `algorithm` (`RS256`, `ES256`, `HS256` keyed with the RSA public key's PEM,
    /// or `none`), its header naming `kid`.
    func token(_ claims: [String: Any], algorithm: String = "RS256", kid: String? = nil) throws -> String {
        try token(
            claimsJSON: try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]),
            algorithm: algorithm,
            kid: kid
        )
    }

    /// A token whose claims are `claimsJSON` as given (such as JSON that repeats a member name), signed as
    /// ``token(_:algorithm:kid:)`` signs.
    func token(claimsJSON: Data, algorithm: String = "RS256", kid: String? = nil) throws -> String {
        var header: [String: Any] = ["alg": algorithm, "typ": "JWT"]
        header["kid"] = kid ?? (algorithm == "ES256" ? Self.ecKID : Self.rsaKID)
        let input =
            Self.base64URL(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) + "."
            + Self.base64URL(claimsJSON)
        let signature: Data
        switch algorithm {
        case "RS256":
            signature = try rsa.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5).rawRepresentation
        case "ES256":
            signature = try ec.signature(for: Data(input.utf8)).rawRepresentation
        case "HS256":
            let key = SymmetricKey(data: Data(rsaPublicPEM.utf8))
            signature = Data(HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: key))
        default:
            signature = Data()
        }
        return input + "." + Self.base64URL(signature)
    }

    /// Standard claims for `issuer` and `audience`, valid for an hour from now, with `extra` added.
    static func claims(
        issuer: String = "https://id.example.com/",
        audience: Any = "orders-api",
        expiresIn: TimeInterval = 3600,
        extra: [String: Any] = [:]
    ) -> [String: Any] {
        let now = Date().timeIntervalSince1970
        return [
            "iss": issuer, "aud": audience, "sub": "user-42", "iat": Int(now), "exp": Int(now + expiresIn),
        ].merging(extra) { $1 }
    }

    /// The token with its payload replaced by `claims`, the signature kept: a tampered token.
    static func tampered(_ token: String, claims: [String: Any]) throws -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let payload = base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        return "\(parts[0]).\(payload).\(parts[2])"
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
