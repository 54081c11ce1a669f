import Foundation

@testable import Invoker

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Plain requests to an invoker process, for the tests that run one: the status and the body as text.
enum HTTPProbe {
    /// `method url` with `body` and the admin key when `admin`; the status (0 when no answer came) and the body.
    static func send(
        _ method: String,
        _ url: String,
        body: String? = nil,
        admin: Bool = false
    ) async -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        if admin { request.setValue("Bearer \(TestEnvironment.adminKey)", forHTTPHeaderField: "Authorization") }
        guard let (data, response) = try? await URLSession.shared.data(for: request) else { return (0, "") }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// The JSON document of an admin API `GET`.
    static func adminJSON(_ url: String) async throws -> Any {
        let (status, body) = await send("GET", url, admin: true)
        guard status == 200 else { throw InvokerError(.configuration, "GET \(url) answered \(status): \(body)") }
        return try JSONSerialization.jsonObject(with: Data(body.utf8))
    }

    /// The generation of each function, from `GET /system/functions`.
    static func generations(_ base: String) async throws -> [String: String] {
        let functions = try await adminJSON("\(base)/system/functions") as? [[String: Any]] ?? []
        return Dictionary(
            uniqueKeysWithValues: functions.compactMap { function in
                (function["name"] as? String).map { ($0, function["generation"] as? String ?? "") }
            }
        )
    }
}
