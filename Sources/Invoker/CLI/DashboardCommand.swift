import ArgumentParser
import Foundation
import Subprocess

/// `invoker dashboard`: asks a running invoker for a login link to its dashboard and prints it, or opens it.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Print a login link to a running invoker's dashboard (single use, valid for 60 seconds).",
        discussion: """
            The link signs the browser that opens it in with a session cookie. The dashboard's login form also \
            takes the admin key.
            """
    )

    @OptionGroup var admin: AdminAPIOptions

    @Flag(help: "Open the link in the default browser (xdg-open, or open on macOS) as well.")
    var open = false

    /// The answer of `POST /system/dashboard/login-tokens`.
    struct LoginToken: Decodable {
        /// The token.
        var token: String
        /// The path that redeems it.
        var path: String
        /// Its lifetime, in seconds.
        var expiresIn: Int
    }

    func run() async throws {
        let client = try admin.client
        let data = try await client.post("system/dashboard/login-tokens")
        let token = try JSONDecoder().decode(LoginToken.self, from: data)
        let link = Self.link(base: client.base, path: token.path)
        print(link)
        guard open else { return }
        #if os(macOS)
        let opener = "open"
        #else
        let opener = "xdg-open"
        #endif
        let result = try await Subprocess.run(.name(opener), arguments: [link], output: .discarded, error: .discarded)
        guard result.terminationStatus.isSuccess else {
            throw ValidationError("\(opener) could not open the link; open it in a browser yourself")
        }
    }

    /// The link to `path` on the invoker at `base`.
    static func link(base: URL, path: String) -> String {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text + path
    }
}
