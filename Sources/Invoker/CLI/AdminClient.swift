import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client of a running invoker's admin API (`/system/…`), for the commands that read a remote invoker.
struct AdminClient: InvocationSource {
    /// The invoker's address, such as `http://127.0.0.1:8080`.
    let base: URL
    /// The admin API key; nil when none was given or found.
    let apiKey: String?

    /// A client of the invoker at `url`, authenticating with `apiKey`, else the `INVOKER_API_KEY` environment
    /// variable, else the key `invoker serve` generated into `.invoker/admin.key` (see ``AdminKey``).
    init(url: String, apiKey: String?) throws {
        guard let base = URL(string: url), base.scheme == "http" || base.scheme == "https" else {
            throw ValidationError("--url \(url) is not a URL such as http://127.0.0.1:8080")
        }
        self.base = base
        self.apiKey = AdminKey.resolve(explicit: apiKey)
    }

    /// The body of `GET path?query`, or an error that says what the invoker answered.
    func get(_ path: String, query: [URLQueryItem] = []) async throws -> Data {
        try await send("GET", path, query: query, expecting: 200)
    }

    /// The body of `POST path` (without a body), answered `202`, or an error that says what the invoker answered.
    func post(_ path: String) async throws -> Data {
        try await send("POST", path, query: [], expecting: 202)
    }

    /// Sends a request without a body and returns the body of its answer, which must have the status `expected`.
    private func send(
        _ method: String,
        _ path: String,
        query: [URLQueryItem],
        expecting expected: Int
    ) async throws
        -> Data
    {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        components.queryItems = query.isEmpty ? nil : query
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw ValidationError("cannot reach an invoker at \(base.absoluteString): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == expected else {
            let message = (try? JSONDecoder().decode(ErrorDocument.self, from: data))?.errorMessage
            let hint =
                status == 401
                ? " (pass --api-key, set INVOKER_API_KEY, or run from the folder whose .invoker/admin.key it wrote)"
                : ""
            throw ValidationError(
                "the invoker answered \(status): \(message ?? String(decoding: data, as: UTF8.self))\(hint)"
            )
        }
        return data
    }

    func list(filter: InvocationFilter, limit: Int) async throws -> [InvocationRecord] {
        var query: [URLQueryItem] = []
        if let function = filter.function { query.append(URLQueryItem(name: "function", value: function)) }
        if !filter.statuses.isEmpty {
            query.append(
                URLQueryItem(name: "status", value: filter.statuses.map(\.rawValue).sorted().joined(separator: ","))
            )
        }
        if let trigger = filter.trigger { query.append(URLQueryItem(name: "trigger", value: trigger.rawValue)) }
        let iso = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let since = filter.since { query.append(URLQueryItem(name: "since", value: since.formatted(iso))) }
        if let until = filter.until { query.append(URLQueryItem(name: "until", value: until.formatted(iso))) }
        var records: [InvocationRecord] = []
        var cursor: String?
        repeat {
            var page = query
            page.append(
                URLQueryItem(name: "limit", value: String(min(limit - records.count, AdminRoutes.maximumPageSize)))
            )
            if let cursor { page.append(URLQueryItem(name: "cursor", value: cursor)) }
            let result = try InvocationFormatter.decoder.decode(
                Page.self,
                from: try await get("system/invocations", query: page)
            )
            records += result.invocations
            cursor = result.nextCursor
        } while cursor != nil && records.count < limit
        return records
    }

    func record(idOrPrefix: String) async throws -> InvocationRecord {
        let data = try await get("system/invocations/\(idOrPrefix)")
        return try InvocationFormatter.decoder.decode(InvocationRecord.self, from: data)
    }

    /// One page of `GET /system/invocations`.
    private struct Page: Decodable {
        var invocations: [InvocationRecord]
        var nextCursor: String?
    }
}
