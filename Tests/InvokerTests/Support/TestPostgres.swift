import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

@testable import Invoker

#if canImport(Glibc)
import Glibc
#endif

/// glibc's `pipe2`, which its Swift module does not export (it is a GNU extension).
@_silgen_name("pipe2")
private func pipe2(_ ends: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

/// A throwaway PostgreSQL server for tests: `initdb` into a temporary folder, run as the `postgres` user (as the tests'
/// own user when they do not run as root) on a free loopback port with trust authentication and no fsync. The server
/// is a child of a shell that reads the test process's end of a pipe: when the test process exits or dies, the pipe
/// closes and the shell stops the server, so none outlives the tests.
///
/// Tests share one server per test process (``shared()``), each in a database of its own (``makeDatabase()``); a test
/// that stops and restarts its server starts its own (``start()``) and removes it.
///
/// ```swift
/// let url = try await TestPostgres.shared().makeDatabase()
/// ```
final class TestPostgres: Sendable {
    /// The folder of `initdb` and `postgres`: the newest installed version's (Debian's `postgresql` package).
    static let binDirectory: String? = {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.compactMap(Int.init).sorted().reversed().map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: "\($0)/postgres") }
    }()

    /// The server's folder, owned by `postgres`: its data, socket and log.
    let directory: URL
    /// The port it listens on at 127.0.0.1.
    let port: Int
    /// The running server's shell and the write end of the pipe that keeps it running.
    private let running = Mutex<(process: Process, keepAlive: FileHandle)?>(nil)

    private init(directory: URL, port: Int) {
        self.directory = directory
        self.port = port
    }

    /// The server every test of this process shares, started by the first test that asks.
    static func shared() async throws -> TestPostgres {
        try await SharedServer.instance.server()
    }

    /// Makes a folder, runs `initdb` and starts a server of its own on a free port (another one if that fails);
    /// with `removesDirectory`, the folder goes when the server stops.
    static func start(removesDirectory: Bool = false) async throws -> TestPostgres {
        guard let bin = binDirectory else {
            throw TestPostgresError(
                "no PostgreSQL server under /usr/lib/postgresql/*/bin: install Debian's postgresql package"
            )
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invoker-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var attributes: [FileAttributeKey: Any] = [.posixPermissions: 0o700]
        if geteuid() == 0 { attributes[.ownerAccountName] = "postgres" }
        try FileManager.default.setAttributes(attributes, ofItemAtPath: directory.path)
        let initdb = try await run(
            [
                "\(bin)/initdb", "-D", directory.appendingPathComponent("data").path, "-A",
                "trust",
                "-U", "postgres", "--no-sync", "--no-locale", "-E", "UTF8",
            ],
            log: directory.appendingPathComponent("initdb.log")
        )
        guard initdb == 0 else {
            throw TestPostgresError("initdb failed (\(initdb)); see \(directory.path)/initdb.log")
        }
        var lastError: (any Error)?
        for _ in 0..<3 {
            let server = TestPostgres(directory: directory, port: try await freePort())
            do {
                try await server.launch(removesDirectory: removesDirectory)
                return server
            } catch {
                lastError = error
                await server.stop()
            }
        }
        throw lastError!
    }

    /// Starts a server of its own (see ``start()``) for `body`, and removes it when `body` returns or throws.
    static func withOwnServer(_ body: (TestPostgres) async throws -> Void) async throws {
        let server = try await start()
        do {
            try await body(server)
            await server.remove()
        } catch {
            await server.remove()
            throw error
        }
    }

    /// Starts the server on its folder and port, and returns once it accepts connections. With `removesDirectory`,
    /// the folder is deleted once the server stopped (the shared server, which is never restarted, and whose test
    /// process may end without a word).
    func launch(removesDirectory: Bool = false) async throws {
        let bin = Self.binDirectory!
        // The pipe is made close-on-exec at once: a process another test spawns meanwhile (a worker, an invoker)
        // must not inherit its write end, which would keep the server running after this one closed it.
        var ends: [Int32] = [0, 0]
        guard pipe2(&ends, O_CLOEXEC) == 0 else { throw TestPostgresError("pipe2 failed: errno \(errno)") }
        let reading = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true)
        let keepAlive = FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
        let process = Process()
        (process.executableURL, process.arguments) = Self.asServerUser([
            // A reader of the pipe (kept as fd 3: a background job's input is /dev/null) stops the server once the
            // pipe closes, and then deletes its folder if asked; the shell becomes the server, so runuser ends with it.
            "env", "REMOVE_DIRECTORY=\(removesDirectory ? directory.path : "")", "bash", "-c",
            Self.closeInherited + #"exec 3<&0; (read _ <&3; kill -INT $$; [ -n "$REMOVE_DIRECTORY" ] || exit 0; "#
                + #"while kill -0 $$ 2>/dev/null; do sleep 0.1; done; rm -rf "$REMOVE_DIRECTORY") & "#
                + #"exec "$0" "$@" </dev/null 3<&-"#, "\(bin)/postgres",
            "-D", directory.appendingPathComponent("data").path, "-h", "127.0.0.1", "-p", "\(port)",
            "-k", directory.path, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "max_connections=500",
        ])
        process.standardInput = reading
        let log = try Self.logHandle(directory.appendingPathComponent("server.log"))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? reading.close()
        running.withLock { $0 = (process, keepAlive) }
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                try await withAdminConnection { _ in }
                return
            } catch {
                guard process.isRunning, ContinuousClock.now < deadline else {
                    throw TestPostgresError(
                        "the server on port \(port) did not start: \(SharedDatabaseError.reason(error))"
                    )
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Stops the server (fast shutdown: connections are closed) and returns once it exited; the data stays.
    func stop() async {
        guard
            let (process, keepAlive) = running.withLock({ state in
                defer { state = nil }
                return state
            })
        else {
            return
        }
        try? keepAlive.close()
        let pid = process.processIdentifier
        while process.isRunning && Self.isAlive(pid) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Whether process `pid` still runs (neither gone nor a zombie). `Process.isRunning` alone can stay true for ever:
    /// another spawner in the test process may reap the child before `Process` sees it end.
    private static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
            return false
        }
        // The state follows the command name, which is in parentheses.
        return stat.split(separator: ")").last?.split(separator: " ").first != "Z"
    }

    /// Stops the server and deletes its folder.
    func remove() async {
        await stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A URL of a new, empty database on the server.
    func makeDatabase() async throws -> PostgresURL {
        let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await withAdminConnection { connection in
            // A name is no bindable value; this one is made of hex digits.
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Self.logger).drain()
        }
        return try url(database: name)
    }

    /// The URL of `database` on the server.
    func url(database: String) throws -> PostgresURL {
        try PostgresURL("postgres://postgres@127.0.0.1:\(port)/\(database)?sslmode=disable")
    }

    /// Runs `body` with a connection to the `postgres` database.
    func withAdminConnection<Value: Sendable>(_ body: (PostgresConnection) async throws -> Value) async throws -> Value
    {
        try await PostgresDatabase(url: try url(database: "postgres"), logger: Self.logger).withConnection(body)
    }

    /// A logger that says nothing.
    static let logger = Logger(label: "test-postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The executable and arguments that run `command` as the server's user: `postgres` through `runuser` when the
    /// tests run as root (PostgreSQL refuses to run as root), else the tests' own user.
    private static func asServerUser(_ command: [String]) -> (URL, [String]) {
        guard geteuid() == 0 else { return (URL(fileURLWithPath: "/usr/bin/env"), command) }
        return (URL(fileURLWithPath: "/usr/sbin/runuser"), ["-u", "postgres", "--"] + command)
    }

    /// `command`, run through a shell that first closes the descriptors it inherited (see ``closeInherited``).
    private static func withoutInheritedDescriptors(_ command: [String]) -> [String] {
        ["bash", "-c", closeInherited + #"exec "$@""#, "bash"] + command
    }

    /// Runs `command` as the server's user, its output into `log`; returns its exit status.
    private static func run(_ command: [String], log: URL) async throws -> Int32 {
        let process = Process()
        (process.executableURL, process.arguments) = asServerUser(withoutInheritedDescriptors(command))
        let handle = try logHandle(log)
        process.standardOutput = handle
        process.standardError = handle
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }

    /// A new file at `url` to write a log to.
    private static func logHandle(_ url: URL) throws -> FileHandle {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        return try FileHandle(forWritingTo: url)
    }

    /// A shell line that closes every descriptor above the standard three that the shell inherited. `Process` passes
    /// on every descriptor of the test process that is not close-on-exec at the moment it spawns, and a server that
    /// held one kept it open for its whole life: a socket another test's invoker had closed then never ended (its
    /// client waited for ever), as did a pipe another test read to its end. Closing them in the child is the only way
    /// without a race with the threads that open descriptors meanwhile.
    static let closeInherited =
        #"for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && [ -L "$fd" ] && eval "exec $n>&-"; done; "#

    /// A loopback port nothing listens on now, below the ephemeral range: a server restarted on it later finds it
    /// free, where an ephemeral port may have gone to a client connection meanwhile.
    static func freePort() async throws -> Int {
        let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let ephemeralStart = range.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768
        for _ in 0..<100 {
            let port = Int.random(in: 10_000..<max(ephemeralStart, 10_001))
            guard
                let channel = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .bind(host: "127.0.0.1", port: port).get()
            else { continue }
            try await channel.close()
            return port
        }
        throw TestPostgresError("no free port below \(ephemeralStart)")
    }
}

/// Starts the shared server once, for every test that asks at the same time.
private actor SharedServer {
    static let instance = SharedServer()

    private var starting: Task<TestPostgres, any Error>?

    func server() async throws -> TestPostgres {
        if let starting { return try await starting.value }
        let task = Task { try await TestPostgres.start(removesDirectory: true) }
        starting = task
        return try await task.value
    }
}

/// A test server that could not be set up.
struct TestPostgresError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
