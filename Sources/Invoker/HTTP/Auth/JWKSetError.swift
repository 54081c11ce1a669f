/// Why a JWKS could not be used.
struct JWKSetError: Error, Sendable {
    /// What is wrong, to follow the JWKS's name.
    var message: String

    init(_ message: String) {
        self.message = message
    }
}
