import Foundation
import PostgresNIO

/// Where a PostgreSQL database is and how to reach it, parsed from a URL such as
/// `postgres://invoker:secret@db.example.com:5432/invoker?sslmode=require`.
///
/// Its description never shows the password, so it can be logged and printed.
///
/// ```swift
/// let url = try PostgresURL("postgres://invoker@127.0.0.1/invoker?sslmode=disable")
/// let client = PostgresClient(configuration: url.clientConfiguration)
/// ```
struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is encrypted, as libpq's `sslmode` says it.
    enum SSLMode: String, Sendable, CaseIterable {
        /// Never TLS.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// Always TLS, without checking the server's certificate.
        case require
        /// Always TLS, with a certificate signed by a trusted authority.
        case verifyCA = "verify-ca"
        /// Always TLS, with a trusted certificate for the host's name.
        case verifyFull = "verify-full"
    }

    /// The environment variable `--database` defaults to.
    static let environmentVariable = "INVOKER_DATABASE_URL"

    /// The user to connect as.
    var user: String
    /// The user's password, if the server asks for one.
    var password: String?
    /// The server's host name or address.
    var host: String
    /// The server's port.
    var port: Int
    /// The database.
    var database: String
    /// How the connection is encrypted.
    var sslMode: SSLMode

    /// Parses `text`; throws a ``SharedDatabaseError`` naming what is wrong (without the password).
    init(_ text: String) throws {
        func invalid(_ problem: String) -> SharedDatabaseError {
            SharedDatabaseError(
                .invalidURL,
                "the database URL \(Self.redacting(text)) \(problem); expected"
                    + " postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require|verify-ca|verify-full]"
            )
        }
        guard let components = URLComponents(string: text) else { throw invalid("is not a URL") }
        guard let scheme = components.scheme?.lowercased(), ["postgres", "postgresql"].contains(scheme) else {
            throw invalid("has the scheme \"\(components.scheme ?? "")\", not postgres")
        }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else {
            throw invalid("names no user")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("names no host") }
        let database = String(components.path.drop(while: { $0 == "/" })).removingPercentEncoding ?? ""
        guard !database.isEmpty, !database.contains("/") else { throw invalid("names no database as its path") }
        if let port = components.port, !(1...65535).contains(port) {
            throw invalid("has port \(port), which is not a TCP port (1 to 65535)")
        }
        var sslMode = SSLMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else {
                throw invalid("has the parameter \"\(item.name)\"; only sslmode is known")
            }
            guard let mode = item.value.flatMap(SSLMode.init(rawValue:)) else {
                throw invalid("has sslmode=\(item.value ?? "")")
            }
            sslMode = mode
        }
        self.user = user
        self.password = components.password?.removingPercentEncoding
        self.host = host
        self.port = components.port ?? 5432
        self.database = database
        self.sslMode = sslMode
    }

    /// The URL with the password replaced by `***`.
    var description: String {
        "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }

    /// Where the database is, for messages: `host:port/database`.
    var location: String { "\(host):\(port)/\(database)" }

    /// The TLS settings: nil for none, else whether the server must accept TLS, and how its certificate is checked.
    var tls: (required: Bool, configuration: TLSConfiguration)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable:
            return nil
        case .prefer, .require:
            configuration.certificateVerification = .none
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
        case .verifyFull:
            break
        }
        return (sslMode != .prefer, configuration)
    }

    /// The configuration of one connection (migrations at start, the notification listener); throws when the TLS
    /// context cannot be made.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch self.tls {
            case nil: .disable
            case let (required, configuration)?:
                required
                    ? .require(try NIOSSLContext(configuration: configuration))
                    : .prefer(try NIOSSLContext(configuration: configuration))
            }
        return PostgresConnection.Configuration(
            host: host,
            port: port,
            username: user,
            password: password,
            database: database,
            tls: tls
        )
    }

    /// The configuration of a connection pool.
    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch self.tls {
            case nil: .disable
            case let (required, configuration)?: required ? .require(configuration) : .prefer(configuration)
            }
        return PostgresClient.Configuration(
            host: host,
            port: port,
            username: user,
            password: password,
            database: database,
            tls: tls
        )
    }

    /// `text` with anything between `user:` and `@` replaced by `***`, for errors about URLs that did not parse.
    static func redacting(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", options: .backwards),
            scheme.upperBound < at.lowerBound,
            let colon = text[scheme.upperBound..<at.lowerBound].firstIndex(of: ":")
        else { return "\"\(text)\"" }
        return "\"\(text[..<text.index(after: colon)])***\(text[at.lowerBound...])\""
    }
}
