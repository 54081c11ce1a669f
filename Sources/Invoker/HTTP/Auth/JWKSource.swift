import Foundation
import Logging
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where a JWT authorizer's keys come from, and the keys as they are now: a JWKS file, read at start (a missing or
/// unreadable file fails the start), or an `http(s)` URL, fetched at start and fetched again when a token names a
/// `kid` the keys do not have, at most once per ``refreshInterval``.
///
/// When the URL cannot be fetched at start, the invoker starts anyway and logs an error: the routes that use it
/// answer 401 until a later fetch (on a request, at most once per interval) succeeds.
final class JWKSource: Sendable {
    /// The file path or URL.
    let location: String
    /// The shortest time between two fetches of a URL.
    let refreshInterval: Duration
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var keys: JWKSet
        var lastFetch: ContinuousClock.Instant?
    }

    private var isURL: Bool { location.hasPrefix("https://") || location.hasPrefix("http://") }

    private init(
        location: String,
        keys: JWKSet,
        refreshInterval: Duration,
        fetchedAt: ContinuousClock.Instant?,
        logger: Logger
    ) {
        self.location = location
        self.refreshInterval = refreshInterval
        self.logger = logger
        self.state = Mutex(State(keys: keys, lastFetch: fetchedAt))
    }

    /// Loads the keys at `location`; a file that cannot be read or is not a usable JWKS throws a message.
    static func load(
        _ location: String,
        refreshInterval: Duration,
        logger: Logger
    ) async throws(JWKSetError) -> JWKSource {
        guard location.hasPrefix("https://") || location.hasPrefix("http://") else {
            guard let data = FileManager.default.contents(atPath: location) else {
                throw JWKSetError("cannot be read: no such file or not readable")
            }
            let keys = try await JWKSet.parse(data)
            return JWKSource(
                location: location,
                keys: keys,
                refreshInterval: refreshInterval,
                fetchedAt: nil,
                logger: logger
            )
        }
        let source = JWKSource(
            location: location,
            keys: .empty(),
            refreshInterval: refreshInterval,
            fetchedAt: ContinuousClock.now,
            logger: logger
        )
        await source.fetch()
        return source
    }

    /// The keys and the algorithm of `kid`; when the keys do not have it and they come from a URL not fetched within
    /// the interval, they are fetched again first. Nil when the key is still unknown.
    func keys(for kid: String) async -> (keys: JWKSet, algorithm: String)? {
        let (keys, shouldFetch) = state.withLock { state -> (JWKSet, Bool) in
            if state.keys.algorithms[kid] != nil { return (state.keys, false) }
            guard isURL else { return (state.keys, false) }
            let now = ContinuousClock.now
            if let last = state.lastFetch, last + refreshInterval > now { return (state.keys, false) }
            // Claimed now, so concurrent requests with unknown keys do not fetch too.
            state.lastFetch = now
            return (state.keys, true)
        }
        if let algorithm = keys.algorithms[kid] { return (keys, algorithm) }
        guard shouldFetch else { return nil }
        await fetch()
        let refreshed = state.withLock { $0.keys }
        return refreshed.algorithms[kid].map { (refreshed, $0) }
    }

    /// Fetches the URL and replaces the keys; on failure keeps them and logs an error.
    private func fetch() async {
        guard let url = URL(string: location) else { return }
        do {
            var request = URLRequest(url: url, timeoutInterval: 5)
            request.setValue("application/json", forHTTPHeaderField: "Accept")
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            guard status == 200 else { throw JWKSetError("answered HTTP \(status)") }
            let keys = try await JWKSet.parse(data)
            state.withLock { $0.keys = keys }
            logger.info(
                "Fetched the JWKS",
                metadata: [LogKey.jwks: "\(location)", LogKey.keys: "\(keys.algorithms.count)"]
            )
        } catch {
            let message = (error as? JWKSetError)?.message ?? "\(error)"
            logger.error(
                "Could not fetch the JWKS: tokens signed with keys not yet fetched are refused",
                metadata: [LogKey.jwks: "\(location)", LogKey.error: "\(message)"]
            )
        }
    }
}
