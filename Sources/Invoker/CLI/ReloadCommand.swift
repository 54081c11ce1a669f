import ArgumentParser
import Foundation

/// `invoker reload`: asks a running invoker to reload its manifest, its worker binary and its `--api-keys` file, as
/// `kill -HUP` does, and prints what changed; exits with status 1 when the reload was refused.
struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Reload a running invoker's manifest, worker binary and API keys (as kill -HUP does).",
        discussion: "Functions whose binary, command, environment, limits or transport changed get new workers;"
            + " invocations in flight finish on the old ones. A refused reload (an invalid manifest, a missing"
            + " handler) changes nothing."
    )

    /// The running invoker.
    @OptionGroup var admin: AdminAPIOptions

    @Flag(help: "Print the JSON document of POST /system/reload.")
    var json = false

    func run() async throws {
        let data = try await admin.client.post("system/reload")
        let report = try JSONDecoder().decode(ReloadReport.self, from: data)
        print(json ? String(decoding: data, as: UTF8.self) : report.summary)
        if !report.reloaded { throw ExitCode.failure }
    }
}
