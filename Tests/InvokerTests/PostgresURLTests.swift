import Testing

@testable import Invoker

@Suite("PostgreSQL URL")
struct PostgresURLTests {
    @Test("a full URL parses; its description hides the password")
    func parses() throws {
        let url = try PostgresURL("postgresql://invoker:s%40cret@db.example.com:6543/jobs?sslmode=require")
        #expect(url.user == "invoker" && url.password == "s@cret" && url.host == "db.example.com")
        #expect(url.port == 6543 && url.database == "jobs" && url.sslMode == .require)
        #expect(url.description == "postgres://invoker:***@db.example.com:6543/jobs?sslmode=require")
        let plain = try PostgresURL("postgres://me@127.0.0.1/db")
        #expect(plain.port == 5432 && plain.sslMode == .prefer && plain.password == nil)
        let unencrypted = try PostgresURL("postgres://me@h/db?sslmode=disable")
        #expect(plain.tls != nil && unencrypted.tls == nil)
    }

    @Test(
        "a bad URL names what is wrong, never the password",
        arguments: [
            ("mysql://u:pw@h/db", "scheme"),
            ("postgres://h/db", "no user"),
            ("postgres://u:pw@h", "no database"),
            ("postgres://u:pw@h:70000/db", "70000"),
            ("postgres://u:pw@h/db?sslmode=sometimes", "sslmode=sometimes"),
            ("postgres://u:pw@h/db?timeout=3", "\"timeout\""),
        ]
    )
    func rejects(text: String, problem: String) {
        do {
            _ = try PostgresURL(text)
            Issue.record("\(text) parsed")
        } catch let error as SharedDatabaseError {
            #expect(error.code == .invalidURL)
            #expect(error.message.contains(problem), "\(error.message)")
            #expect(!error.message.contains("pw"), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
