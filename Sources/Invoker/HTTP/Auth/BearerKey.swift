import Hummingbird

/// A secret a caller presents as `Authorization: Bearer <key>`: the admin key.
struct BearerKey: Sendable {
    /// The key.
    let key: String

    /// Whether `request` presents the key, compared in constant time (an empty key is never presented).
    func isPresented(in request: Request) -> Bool {
        guard !key.isEmpty, let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            return false
        }
        return Self.constantTimeEqual(String(header.dropFirst(7)), key)
    }

    /// Whether `a` and `b` are equal, taking the same time whatever the first difference.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        var difference: UInt8 = a.count == b.count ? 0 : 1
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
