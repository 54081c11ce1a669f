import Foundation

extension InvocationFormatter {
    /// The record as one line of JSON: snake_case keys in alphabetical order, ISO-8601 UTC times with milliseconds,
    /// absent values left out.
    func json(_ record: InvocationRecord) throws -> String {
        String(decoding: try encoder.encode(record), as: UTF8.self)
    }

    /// Reads records written by ``json(_:)`` (the admin API's records).
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "\(text) is not an ISO-8601 time")
                )
            }
            return date
        }
        return decoder
    }()
}
