import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What serving a manifest on an address exposes: every function route without authentication is open to anyone
/// who can reach that address. On loopback that is only this machine; on any other address `invoker serve` warns,
/// naming the routes.
///
/// ```swift
/// if let routes = NetworkExposure(host: "0.0.0.0", manifest: manifest).openRoutes { logger.warning(…) }
/// ```
struct NetworkExposure: Sendable {
    /// The address the server listens on.
    var host: String
    /// The manifest served.
    var manifest: Manifest

    /// The manifest's routes that need no authentication (no `http[].auth`), as `METHOD /path (function)`, one per
    /// route and method.
    var unauthenticatedRoutes: [String] {
        manifest.functions.flatMap { function in
            function.routes.filter { !$0.auth.isRequired }.flatMap { route in
                (route.methods ?? ["ANY"]).map { "\($0) \(route.path) (\(function.name))" }
            }
        }
    }

    /// The unauthenticated routes, comma-separated, when the server listens on an address others can reach and
    /// there are any; nil otherwise.
    var openRoutes: String? {
        guard !Self.isLoopback(host) else { return nil }
        let routes = unauthenticatedRoutes
        return routes.isEmpty ? nil : routes.joined(separator: ", ")
    }

    /// Whether `host` names only this machine: `localhost`, an address in `127.0.0.0/8`, or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if host.lowercased() == "localhost" { return true }
        // The address's bytes in network order, as `inet_pton` writes them (16 is room for either family).
        var bytes = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, host, &bytes) == 1 {
            return bytes[0] == 127
        }
        if inet_pton(AF_INET6, host, &bytes) == 1 {
            return bytes == Array(repeating: 0, count: 15) + [1]
        }
        return false
    }
}
