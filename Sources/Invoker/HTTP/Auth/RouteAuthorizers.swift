import Foundation
import Logging

/// Every manifest route's authorizer, built once at start from the manifest, the `--api-keys` file and the JWKS
/// files and URLs; and, for each function whose routes authenticate, the admin-key check that guards its generic
/// paths (`/function/{name}`, `/async-function/{name}`) and, without SigV4, its Invoke API, which would otherwise
/// bypass the routes' authentication.
struct RouteAuthorizers: Sendable {
    /// Each function's routes' authorizers, in manifest order.
    private let routes: [String: [RouteAuthorizer]]
    /// The authorizer of each function's generic paths.
    private let generic: [String: RouteAuthorizer]

    /// Every route open (tests of other subjects, and manifests without auth).
    static let open = RouteAuthorizers(routes: [:], generic: [:])

    private init(routes: [String: [RouteAuthorizer]], generic: [String: RouteAuthorizer]) {
        self.routes = routes
        self.generic = generic
    }

    /// The authorizer of `function`'s route number `index`.
    func route(_ function: String, _ index: Int) -> RouteAuthorizer {
        routes[function].flatMap { index < $0.count ? $0[index] : nil } ?? .open
    }

    /// The authorizer of `function`'s generic paths: the admin key when any of its routes authenticates.
    func generic(_ function: String) -> RouteAuthorizer {
        generic[function] ?? .open
    }

    /// Builds the authorizers. A route with `apiKey` auth needs `apiKeys` (`--api-keys`) and may only allow names
    /// the file has; a JWKS file must exist and hold a usable key. Errors name the manifest, function and field.
    static func build(
        manifest: Manifest,
        apiKeys: APIKeyStore?,
        adminKey: BearerKey,
        jwksRefreshInterval: Duration = .seconds(60),
        logger: Logger
    ) async throws -> RouteAuthorizers {
        var sources: [String: JWKSource] = [:]
        var routes: [String: [RouteAuthorizer]] = [:]
        var generic: [String: RouteAuthorizer] = [:]
        for function in manifest.functions {
            var authorizers: [RouteAuthorizer] = []
            for (index, route) in function.routes.enumerated() {
                func fieldError(_ field: String, _ message: String) -> ManifestError {
                    ManifestError(
                        file: manifest.file,
                        function: function.name,
                        field: "http[\(index)].auth.\(field)",
                        message: message
                    )
                }
                switch route.auth {
                case .none:
                    authorizers.append(.open)
                case .apiKey(let keys):
                    guard let apiKeys else {
                        throw fieldError(
                            "apiKey",
                            "needs a key file: start the invoker with --api-keys FILE (lines of \"name key\")"
                        )
                    }
                    let names = apiKeys.keys.names
                    if let keys, let unknown = keys.firstIndex(where: { !names.contains($0) }) {
                        throw fieldError(
                            "apiKey.keys[\(unknown)]",
                            "\"\(keys[unknown])\" is not a key name in \(apiKeys.path)"
                        )
                    }
                    authorizers.append(RouteAuthorizer(mode: .apiKey(store: apiKeys, allowed: keys.map(Set.init))))
                case .jwt(let settings):
                    let source: JWKSource
                    if let existing = sources[settings.jwks] {
                        source = existing
                    } else {
                        do throws(JWKSetError) {
                            source = try await JWKSource.load(
                                settings.jwks,
                                refreshInterval: jwksRefreshInterval,
                                logger: logger
                            )
                        } catch let failure {
                            throw fieldError("jwt.jwks", "\"\(settings.jwks)\" \(failure.message)")
                        }
                        sources[settings.jwks] = source
                    }
                    authorizers.append(RouteAuthorizer(mode: .jwt(JWTAuthorizer(settings: settings, source: source))))
                }
            }
            routes[function.name] = authorizers
            if authorizers.contains(where: \.isRequired) {
                generic[function.name] = RouteAuthorizer(mode: .adminKey(adminKey))
            }
        }
        return RouteAuthorizers(routes: routes, generic: generic)
    }
}
