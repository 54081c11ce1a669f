import Crypto
import Synchronization

/// The dashboard's sign-ins, held in memory only (a restart signs every browser out): single-use login tokens that
/// `invoker dashboard` asks for, and the sessions their cookies name. Secrets are 256 random bits; they are kept
/// by their SHA-256, so looking one up reveals nothing through timing.
///
/// ```swift
/// let token = sessions.issueLoginToken()          // POST /system/dashboard/login-tokens
/// let session = sessions.redeem(loginToken: token) // GET /dashboard/login?token=…, once
/// sessions.session(cookie: session!.token)         // every later request
/// ```
final class DashboardSessions: Sendable {
    /// How long a login token may be redeemed.
    static let loginTokenLifetime: Duration = .seconds(60)
    /// How long a session lasts.
    static let sessionLifetime: Duration = .seconds(12 * 60 * 60)
    /// The most sessions kept; signing in beyond it ends the oldest.
    static let maximumSessions = 1000
    /// The most unredeemed login tokens kept; issuing beyond it drops the oldest.
    static let maximumLoginTokens = 100

    private struct State {
        var loginTokens: [String: ContinuousClock.Instant] = [:]
        var sessions: [String: DashboardSession] = [:]
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> ContinuousClock.Instant

    /// Sessions on the time `now` reads (the continuous clock unless a test moves its own).
    init(now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.now = now
    }

    /// A new login token, valid once for ``loginTokenLifetime``.
    func issueLoginToken() -> String {
        let token = Hex.random(bytes: 32)
        let now = now()
        state.withLock { state in
            state.loginTokens = state.loginTokens.filter { $0.value > now }
            if state.loginTokens.count >= Self.maximumLoginTokens,
                let oldest = state.loginTokens.min(by: { $0.value < $1.value })
            {
                state.loginTokens[oldest.key] = nil
            }
            state.loginTokens[Self.digest(token)] = now + Self.loginTokenLifetime
        }
        return token
    }

    /// A new session for `token` when it is an unexpired login token, which is then used up; nil otherwise.
    func redeem(loginToken token: String) -> DashboardSession? {
        let now = now()
        let valid = state.withLock { state in
            state.loginTokens.removeValue(forKey: Self.digest(token)).map { $0 > now } ?? false
        }
        return valid ? startSession() : nil
    }

    /// A new session (for a browser that presented the admin key).
    func startSession() -> DashboardSession {
        let now = now()
        let session = DashboardSession(
            token: Hex.random(bytes: 32),
            csrfToken: Hex.random(bytes: 32),
            expiresAt: now + Self.sessionLifetime
        )
        state.withLock { state in
            state.sessions = state.sessions.filter { $0.value.expiresAt > now }
            if state.sessions.count >= Self.maximumSessions,
                let oldest = state.sessions.min(by: { $0.value.expiresAt < $1.value.expiresAt })
            {
                state.sessions[oldest.key] = nil
            }
            state.sessions[Self.digest(session.token)] = session
        }
        return session
    }

    /// The live session whose cookie carries `token`; nil for an unknown or expired one.
    func session(cookie token: String) -> DashboardSession? {
        let now = now()
        return state.withLock { state in
            let key = Self.digest(token)
            guard let session = state.sessions[key] else { return nil }
            guard session.expiresAt > now else {
                state.sessions[key] = nil
                return nil
            }
            return session
        }
    }

    /// Ends the session whose cookie carries `token`.
    func end(cookie token: String) {
        _ = state.withLock { $0.sessions.removeValue(forKey: Self.digest(token)) }
    }

    private static func digest(_ secret: String) -> String {
        Hex.lowercase(Array(SHA256.hash(data: Array(secret.utf8))))
    }
}
