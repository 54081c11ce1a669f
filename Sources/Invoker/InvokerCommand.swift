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
            DashboardCommand.self, WatchFilesCommand.self,
        ]
    )
}
