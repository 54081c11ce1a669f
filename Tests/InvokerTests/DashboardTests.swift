import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Testing

@testable import Invoker

/// The dashboard end to end, from a real invoker with real workers, as a browser and as an attacker would use it.
@Suite("Dashboard, end to end", .serialized)
struct DashboardTests {
    let environment: TestEnvironment

    init() throws {
        environment = try TestEnvironment(functions: [
            "print": TestEnvironment.fixture("print", ["http": [["path": "/print", "methods": ["POST"]]]]),
            "event": TestEnvironment.fixture("event", ["http": [["path": "/event"]]]),
            "fail": TestEnvironment.fixture("fail", ["queue": ["name": "jobs", "maxRetries": 0]]),
        ])
    }

    /// A signed-in browser: its cookie header and its session's CSRF token.
    struct Browser {
        var cookie: String
        var csrf: String
        var headers: HTTPFields { [.cookie: cookie] }
    }

    /// Signs in as `invoker dashboard` does: a token from the admin API, redeemed at the login link.
    private func signIn(_ client: some TestClientProtocol) async throws -> Browser {
        let issued = try await client.execute(
            uri: "/system/dashboard/login-tokens",
            method: .post,
            headers: TestEnvironment.adminHeaders
        )
        #expect(issued.status == .created)
        let path = try #require(try Self.json(issued.body)["path"] as? String)
        let login = try await client.execute(uri: path, method: .get)
        #expect(login.status == .ok)
        let setCookie = try #require(login.headers[.setCookie])
        let cookie = try #require(setCookie.split(separator: ";").first.map(String.init))
        let overview = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie])
        #expect(overview.status == .ok)
        let csrf = try #require(Self.csrf(in: String(buffer: overview.body)))
        return Browser(cookie: cookie, csrf: csrf)
    }

    @Test("a login link sets an HttpOnly SameSite=Strict session cookie once; a reused link signs nobody in")
    func loginLink() async throws {
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let refused = try await client.execute(uri: "/system/dashboard/login-tokens", method: .post)
            #expect(refused.status == .unauthorized)
            let issued = try await client.execute(
                uri: "/system/dashboard/login-tokens",
                method: .post,
                headers: TestEnvironment.adminHeaders
            )
            let document = try Self.json(issued.body)
            #expect(document["expiresIn"] as? Int == 60)
            let path = try #require(document["path"] as? String)
            let first = try await client.execute(uri: path, method: .get)
            let cookie = try #require(first.headers[.setCookie])
            #expect(cookie.hasPrefix("invoker_session="))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            #expect(String(buffer: first.body).contains(#"http-equiv="refresh" content="0;url=/dashboard""#))
            let again = try await client.execute(uri: path, method: .get)
            #expect(again.status == .unauthorized)
            #expect(again.headers[.setCookie] == nil)
            #expect(String(buffer: again.body).contains("used already"))
        }
    }

    @Test("pages without a session redirect to the login form; a forged or signed-out cookie does too")
    func redirects() async throws {
        defer { environment.remove() }
        try await environment.withInvoker { client in
            for path in ["/dashboard", "/dashboard/functions/print", "/dashboard/invocations?status=error"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .seeOther)
                let location = try #require(response.headers[.location])
                #expect(location.hasPrefix("/dashboard/login?next="))
                #expect(location.removingPercentEncoding?.hasSuffix(path) == true)
            }
            let forged = try await client.execute(
                uri: "/dashboard",
                method: .get,
                headers: [.cookie: "invoker_session=" + String(repeating: "a", count: 64)]
            )
            #expect(forged.status == .seeOther)
            let browser = try await signIn(client)
            let logout = try await client.execute(
                uri: "/dashboard/logout",
                method: .post,
                headers: browser.headers.merging([.contentType: "application/x-www-form-urlencoded"]),
                body: ByteBuffer(string: "csrf=\(browser.csrf)")
            )
            #expect(logout.status == .seeOther)
            #expect(logout.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(
                try await client.execute(uri: "/dashboard", method: .get, headers: browser.headers).status == .seeOther
            )
            let form = try await client.execute(uri: "/dashboard/login", method: .get)
            #expect(form.status == .ok)
            #expect(String(buffer: form.body).contains(#"name="key""#))
        }
    }

    @Test("the login form takes the admin key and nothing else, and returns to dashboard pages only")
    func loginForm() async throws {
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            for key in ["wrong", "", TestEnvironment.adminKey + "x"] {
                let response = try await client.execute(
                    uri: "/dashboard/login",
                    method: .post,
                    headers: form,
                    body: ByteBuffer(string: "key=\(key)&next=%2Fdashboard")
                )
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie] == nil)
            }
            let signedIn = try await client.execute(
                uri: "/dashboard/login",
                method: .post,
                headers: form,
                body: ByteBuffer(string: "key=\(TestEnvironment.adminKey)&next=https%3A%2F%2Fevil.example%2F")
            )
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/dashboard")
            let cookie = try #require(signedIn.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            #expect(try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]).status == .ok)
        }
    }

    @Test("the event stream answers 401 without a session or the key, and sends stats and invocations with one")
    func eventStream() async throws {
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let port = try #require(client.port)
            #expect(try await client.execute(uri: "/system/events", method: .get).status == .unauthorized)
            let forged = try await client.execute(
                uri: "/system/events",
                method: .get,
                headers: [.cookie: "invoker_session=forged"]
            )
            #expect(forged.status == .unauthorized)
            let browser = try await signIn(client)
            let stream = try await RawHTTPClient(port: port)
            try await stream.send(.GET, "/system/events", headers: ["cookie": browser.cookie])
            let head = try await stream.receiveHead()
            #expect(head.status == .ok)
            #expect(head.headers["content-type"].first == "text/event-stream")
            var text = ""
            while !text.contains("event: stats") { text += try #require(try await stream.receiveBodyPart()) }
            #expect(text.contains(#""name":"print""#))
            let invoked = try await client.execute(
                uri: "/print",
                method: .post,
                body: ByteBuffer(string: #"{"lines":["streamed"]}"#)
            )
            #expect(invoked.status == .ok)
            let deadline = ContinuousClock.now + .seconds(5)
            while !text.contains("event: invocation"), ContinuousClock.now < deadline {
                text += try #require(try await stream.receiveBodyPart())
            }
            let event = try #require(text.split(separator: "\n\n").first { $0.hasPrefix("event: invocation") })
            #expect(event.contains(#""function":"print""#) && event.contains(#""status":"success""#))
            try await stream.close()
        }
    }

    @Test(
        "graceful shutdown ends an open event stream rather than waiting for it",
        .timeLimit(.minutes(1))
    )
    func streamEndsOnShutdown() async throws {
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let stream = try await RawHTTPClient(port: try #require(client.port))
            try await stream.send(
                .GET,
                "/system/events",
                headers: ["authorization": "Bearer \(TestEnvironment.adminKey)"]
            )
            #expect(try await stream.receiveHead().status == .ok)
            #expect(try await stream.receiveBodyPart()?.contains("event: stats") == true)
            // Left open: the invoker shuts down when this returns, and must end the stream to finish.
            stream.finishWriting()
        }
    }

    @Test("the overview lists the functions and queues; a function's page has its series; invocations show output")
    func pages() async throws {
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let browser = try await signIn(client)
            let invoked = try await client.execute(
                uri: "/print",
                method: .post,
                body: ByteBuffer(string: #"{"lines":["<b>hello from print</b>"]}"#)
            )
            #expect(invoked.status == .ok)
            let record = try #require(try await environment.waitForRecords(count: 1).first)
            let overview = String(
                buffer: try await client.execute(uri: "/dashboard", method: .get, headers: browser.headers).body
            )
            for name in ["print", "event", "fail", "jobs", "POST /print", "queue jobs", record.id] {
                #expect(overview.contains(name), "the overview shows \(name)")
            }
            // The charts go up to the last whole second: the invocation shows once its second is over.
            var html = ""
            let charted = try await eventually {
                let function = try await client.execute(
                    uri: "/dashboard/functions/print",
                    method: .get,
                    headers: browser.headers
                )
                html = String(buffer: function.body)
                let series = try #require(Self.script("series", in: html))
                let points = try JSONDecoder().decode([SeriesPoint].self, from: Data(series.utf8))
                return points.count == SeriesRing.defaultCapacity
                    && points.reduce(0) { $0 + $1.statuses.success } == 1
            }
            #expect(charted, "the series counts the invocation, over 15 minutes at 1 s")
            #expect(html.contains(#"id="chart-requests""#))
            let missing = try await client.execute(
                uri: "/dashboard/functions/nobody",
                method: .get,
                headers: browser.headers
            )
            #expect(missing.status == .notFound)
            let page = try await client.execute(
                uri: "/dashboard/invocations/\(record.id)",
                method: .get,
                headers: browser.headers
            )
            let detail = String(buffer: page.body)
            #expect(detail.contains("&lt;b&gt;hello from print&lt;/b&gt;"), "the output is there, escaped")
            #expect(!detail.contains("<b>hello from print</b>"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            let list = try await client.execute(
                uri: "/dashboard/invocations?function=print&status=success",
                method: .get,
                headers: browser.headers
            )
            #expect(String(buffer: list.body).contains(record.id))
            let none = try await client.execute(
                uri: "/dashboard/invocations?status=error",
                method: .get,
                headers: browser.headers
            )
            #expect(!String(buffer: none.body).contains(record.id))
            let bad = try await client.execute(
                uri: "/dashboard/invocations?since=yesterday",
                method: .get,
                headers: browser.headers
            )
            #expect(bad.status == .badRequest)
        }
    }

    @Test("queue actions need the session's CSRF token, confirm first, then redrive and purge")
    func queueActions() async throws {
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let browser = try await signIn(client)
            #expect(try await client.enqueue("doomed", to: "jobs").status == .accepted)
            #expect(
                try await eventually {
                    let page = try await client.execute(
                        uri: "/dashboard/queues",
                        method: .get,
                        headers: browser.headers
                    )
                    return String(buffer: page.body).contains("failed on purpose")
                }
            )
            let page = String(
                buffer: try await client.execute(uri: "/dashboard/queues", method: .get, headers: browser.headers).body
            )
            let id = try #require(Self.attribute("data-message", in: page))
            let form = browser.headers.merging([.contentType: "application/x-www-form-urlencoded"])
            for body in ["id=\(id)", "id=\(id)&csrf=", "id=\(id)&csrf=\(String(repeating: "0", count: 64))"] {
                let refused = try await client.execute(
                    uri: "/dashboard/queues/jobs/redrive",
                    method: .post,
                    headers: form,
                    body: ByteBuffer(string: body)
                )
                #expect(refused.status == .forbidden, "\(body)")
            }
            // Without a session, a form is not even looked at.
            let anonymous = try await client.execute(
                uri: "/dashboard/queues/jobs/purge",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf=\(browser.csrf)&confirmed=yes")
            )
            #expect(anonymous.status == .seeOther)
            let confirm = try await client.execute(
                uri: "/dashboard/queues/jobs/purge-dead-letters",
                method: .post,
                headers: form,
                body: ByteBuffer(string: "csrf=\(browser.csrf)")
            )
            #expect(confirm.status == .ok)
            #expect(String(buffer: confirm.body).contains(#"name="confirmed" value="yes""#))
            let redrive = try await client.execute(
                uri: "/dashboard/queues/jobs/redrive",
                method: .post,
                headers: form,
                body: ByteBuffer(string: "csrf=\(browser.csrf)&id=\(id)")
            )
            #expect(redrive.status == .seeOther)
            #expect(redrive.headers[.location] == "/dashboard/queues?done=redrive&count=1")
            // The redriven message fails again (the function always fails) and is dead-lettered once more.
            #expect(
                try await eventually {
                    let page = try await client.execute(
                        uri: "/dashboard/queues",
                        method: .get,
                        headers: browser.headers
                    )
                    return String(buffer: page.body).contains("data-message=\"\(id)\"")
                }
            )
            let purge = try await client.execute(
                uri: "/dashboard/queues/jobs/purge-dead-letters",
                method: .post,
                headers: form,
                body: ByteBuffer(string: "csrf=\(browser.csrf)&confirmed=yes")
            )
            #expect(purge.headers[.location] == "/dashboard/queues?done=purge&count=1")
            // The admin key needs no CSRF token: no browser sends it by itself.
            let keyed = try await client.execute(
                uri: "/dashboard/queues/jobs/purge",
                method: .post,
                headers: TestEnvironment.adminHeaders.merging([.contentType: "application/x-www-form-urlencoded"]),
                body: ByteBuffer(string: "confirmed=yes")
            )
            #expect(keyed.status == .seeOther)
        }
    }

    @Test("a function never sees the dashboard's session cookie, only the caller's other cookies")
    func cookieStaysWithTheDashboard() async throws {
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let browser = try await signIn(client)
            let response = try await client.execute(
                uri: "/event",
                method: .get,
                headers: [.cookie: "theme=dark; \(browser.cookie); lang=en"]
            )
            #expect(response.status == .ok)
            let event = String(buffer: response.body)
            #expect(event.contains("theme=dark") && event.contains("lang=en"))
            #expect(!event.contains("invoker_session"))
            #expect(!event.contains(String(browser.cookie.dropFirst("invoker_session=".count))))
        }
    }

    @Test("the static script and style sheet are served; an unknown file is not")
    func assets() async throws {
        defer { environment.remove() }
        try await environment.withInvoker { client in
            let script = try await client.execute(uri: "/dashboard/static/dashboard.js", method: .get)
            #expect(script.status == .ok)
            #expect(script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(String(buffer: script.body).contains("EventSource"))
            let css = try await client.execute(uri: "/dashboard/static/dashboard.css", method: .get)
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true)
            #expect(try await client.execute(uri: "/dashboard/static/..%2Fsecret", method: .get).status == .notFound)
        }
    }

    private static func json(_ body: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
    }

    /// The first CSRF token a form of `html` carries.
    private static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The value of the first `name="…"` attribute in `html`.
    private static func attribute(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "\(name)=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The text of the `<script type="application/json" id="…">` block `id`.
    private static func script(_ id: String, in html: String) -> String? {
        guard let start = html.range(of: #"<script type="application/json" id="\#(id)">"#),
            let end = html[start.upperBound...].range(of: "</script>")
        else { return nil }
        return String(html[start.upperBound..<end.lowerBound])
    }
}

extension HTTPFields {
    fileprivate func merging(_ other: HTTPFields) -> HTTPFields {
        var fields = self
        fields.append(contentsOf: other)
        return fields
    }
}
