import ArgumentParser

/// `invoker spawner`, hidden: runs the process as the invoker's ``SpawnerProcess``. The invoker starts it with its
/// socket as descriptor 3; it is no command for people.
struct SpawnerCommand: ParsableCommand {
    /// The subcommand's name.
    static let name = "spawner"

    static let configuration = CommandConfiguration(
        commandName: name,
        abstract: "Starts the invoker's workers (internal; run by the invoker itself).",
        shouldDisplay: false
    )

    func run() throws {
        SpawnerProcess.run()
    }
}
