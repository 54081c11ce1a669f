import ArgumentParser

/// The `invoker` command line: the server and the tools that read what it recorded.
@main
struct InvokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoker",
        abstract: "A self-hosted serverless runtime for Swift functions.",
        version: InvokerVersion.current,
        subcommands: [
            Serve.self, Logs.self, Stats.self, Prune.self, InvokeCommand.self, FunctionsCommand.self,
            NodesCommand.self, QueueCommand.self, SchedulesCommand.self, NewCommand.self, ReloadCommand.self,
            DashboardCommand.self, WatchFilesCommand.self, SpawnerCommand.self,
        ]
    )

    /// Runs the command line; `invoker spawner` first of all, before any other thread exists (see
    /// ``SpawnerProcess``).
    static func main() async {
        if CommandLine.arguments.dropFirst().first == SpawnerCommand.name { SpawnerProcess.run() }
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
