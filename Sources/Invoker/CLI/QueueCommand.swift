import ArgumentParser

/// `invoker queue`: sends messages to a running invoker's queues, and shows, redrives and purges the queues by
/// reading the queue database directly (the server may be running or not).
///
/// ```
/// invoker queue send words --data "hello world"
/// invoker queue list
/// invoker queue dlq words
/// invoker queue redrive words --id 01a1fd37-1933-7033-9da6-052eda4df0a9
/// invoker queue purge words --yes
/// ```
struct QueueCommand: AsyncParsableCommand {
    /// The command's name, help and subcommands.
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Send messages to queues, and list, redrive and purge them.",
        subcommands: [QueueSend.self, QueueList.self, QueueDeadLetters.self, QueueRedrive.self, QueuePurge.self]
    )
}
