import Foundation
import Hummingbird

/// The fields of a form a dashboard page posted (`application/x-www-form-urlencoded`, at most 64 KiB).
struct DashboardForm: Sendable {
    /// The most bytes a form may have.
    static let maximumBytes = 64 * 1024

    /// The fields, by name (the last value of a repeated one).
    let fields: [String: String]

    /// Reads the form `request` carries.
    init(_ request: Request) async throws {
        let body = try await request.body.collect(upTo: Self.maximumBytes)
        self.init(String(buffer: body))
    }

    /// Parses `text`, as `name=value&…` with `+` for spaces and percent-escapes.
    init(_ text: String) {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        self.fields = fields
    }

    /// The value of field `name`.
    subscript(name: String) -> String? { fields[name] }
}
