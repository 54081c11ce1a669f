import Foundation

extension InvocationFormatter {
    /// The record as one line of JSON: snake_case keys in alphabetical order, ISO-8601 UTC times with milliseconds,
    /// absent values left out.
    func json(_ record: InvocationRecord) throws -> String {
        String(decoding: try encoder.encode(record), as: UTF8.self)
    }
}
