import Synchronization
import Testing

@testable import Invoker

/// The dashboard's login tokens and sessions, on a clock the test moves.
@Suite("Dashboard sessions: single-use tokens, expiry, CSRF")
struct DashboardSessionsTests {
    /// A clock that moves only when told.
    final class TestClock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
    }

    let clock = TestClock()
    let sessions: DashboardSessions

    init() {
        sessions = DashboardSessions(now: { [clock] in clock.now })
    }

    @Test("a login token signs in once")
    func singleUse() throws {
        let token = sessions.issueLoginToken()
        let session = try #require(sessions.redeem(loginToken: token))
        #expect(sessions.session(cookie: session.token) == session)
        #expect(sessions.redeem(loginToken: token) == nil)
    }

    @Test("a login token expires after 60 seconds, and is then gone even if the clock went wrong")
    func tokenExpiry() {
        let fresh = sessions.issueLoginToken()
        let stale = sessions.issueLoginToken()
        clock.advance(.seconds(59))
        #expect(sessions.redeem(loginToken: fresh) != nil)
        clock.advance(.seconds(2))
        #expect(sessions.redeem(loginToken: stale) == nil)
    }

    @Test("unknown tokens and cookies, and the CSRF token used as a cookie, are refused")
    func forged() throws {
        #expect(sessions.redeem(loginToken: "") == nil)
        #expect(sessions.redeem(loginToken: String(repeating: "0", count: 64)) == nil)
        let session = sessions.startSession()
        #expect(sessions.session(cookie: session.csrfToken) == nil)
        #expect(sessions.session(cookie: session.token + "0") == nil)
        #expect(sessions.session(cookie: String(session.token.dropLast())) == nil)
    }

    @Test("sessions expire after 12 hours and end on sign-out")
    func sessionExpiry() {
        let first = sessions.startSession()
        let second = sessions.startSession()
        #expect(first.token != second.token && first.csrfToken != second.csrfToken)
        sessions.end(cookie: first.token)
        #expect(sessions.session(cookie: first.token) == nil)
        clock.advance(DashboardSessions.sessionLifetime)
        #expect(sessions.session(cookie: second.token) == nil)
    }

    @Test("a form passes with its session's CSRF token only; the admin key needs none")
    func csrf() {
        let session = sessions.startSession()
        let other = sessions.startSession()
        let grant = DashboardAccess.Grant.session(session)
        #expect(DashboardAccess.isCSRFValid(["csrf": session.csrfToken], for: grant))
        #expect(!DashboardAccess.isCSRFValid([:], for: grant))
        #expect(!DashboardAccess.isCSRFValid(["csrf": ""], for: grant))
        #expect(!DashboardAccess.isCSRFValid(["csrf": other.csrfToken], for: grant))
        #expect(DashboardAccess.isCSRFValid([:], for: .adminKey))
    }

    @Test("signing in returns only to dashboard pages")
    func safeReturn() {
        #expect(DashboardLogin.safeReturn("/dashboard/queues") == "/dashboard/queues")
        #expect(DashboardLogin.safeReturn("/dashboard?x=1") == "/dashboard?x=1")
        for hostile in ["https://evil.example/", "//evil.example/dashboard", "/dashboardx", "/system/events", nil] {
            #expect(DashboardLogin.safeReturn(hostile) == "/dashboard")
        }
    }
}
