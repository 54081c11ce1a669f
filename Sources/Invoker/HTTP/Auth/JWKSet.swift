import Foundation
import JWTKit

/// The signing keys of one JWKS that a JWT authorizer accepts: RS256 (`kty` `RSA`) and ES256 (`kty` `EC`, `crv`
/// `P-256`) keys with a `kid`. Each key is added to jwt-kit's ``JWTKeyCollection`` with its algorithm fixed by the
/// key, never taken from a token, so a token cannot choose `none`, an HMAC with the public key as its secret, or
/// another key's algorithm. Other keys (encryption keys, other curves, private parts) are left out.
struct JWKSet: Sendable {
    /// The keys jwt-kit verifies with.
    let collection: JWTKeyCollection
    /// The algorithm of each key, by `kid`.
    let algorithms: [String: String]

    /// An empty set: every token's key is unknown.
    static func empty() -> JWKSet {
        JWKSet(collection: JWTKeyCollection(), algorithms: [:])
    }

    private init(collection: JWTKeyCollection, algorithms: [String: String]) {
        self.collection = collection
        self.algorithms = algorithms
    }

    /// Reads a JWKS document (`{"keys": [...]}`); throws a message when it is not one or holds no usable key.
    static func parse(_ data: Data) async throws(JWKSetError) -> JWKSet {
        guard let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let keys = document["keys"] as? [Any]
        else {
            throw JWKSetError("is not a JWKS: expected a JSON object with a \"keys\" array")
        }
        let collection = JWTKeyCollection()
        var algorithms: [String: String] = [:]
        for element in keys {
            guard JSONSerialization.isValidJSONObject(element),
                let json = try? JSONSerialization.data(withJSONObject: element),
                let jwk = try? JSONDecoder().decode(JWK.self, from: json),
                let kid = jwk.keyIdentifier?.string, !kid.isEmpty
            else { continue }
            do {
                switch (jwk.keyType.rawValue, jwk.algorithm?.rawValue) {
                case ("RSA", nil), ("RSA", "RS256"):
                    guard let modulus = jwk.modulus, let exponent = jwk.exponent else { continue }
                    let key = try JWTKit.Insecure.RSA.PublicKey(modulus: modulus, exponent: exponent)
                    await collection.add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
                    algorithms[kid] = "RS256"
                case ("EC", nil), ("EC", "ES256"):
                    guard jwk.curve?.rawValue == "P-256", let x = jwk.x, let y = jwk.y else { continue }
                    let key = try ES256PublicKey(parameters: (x: x, y: y))
                    await collection.add(ecdsa: key, kid: JWKIdentifier(string: kid))
                    algorithms[kid] = "ES256"
                default:
                    continue
                }
            } catch {
                throw JWKSetError("has a key \"\(kid)\" that is not valid (\(error))")
            }
        }
        guard !algorithms.isEmpty else {
            throw JWKSetError("has no RS256 (RSA) or ES256 (EC P-256) signing key with a \"kid\"")
        }
        return JWKSet(collection: collection, algorithms: algorithms)
    }
}
