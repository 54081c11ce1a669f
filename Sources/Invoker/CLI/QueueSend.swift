import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `invoker queue send QUEUE`: sends one message to a queue of a running invoker and prints its id.
struct QueueSend: AsyncParsableCommand {
    /// The command's name and help.
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a message to a queue of a running invoker and print its id.",
        discussion: "The message is stored when the command returns: the function that consumes the queue gets it."
    )

    /// The queue.
    @Argument(help: "The queue to send to.")
    var queue: String

    /// The body, as text.
    @Option(help: "The message body.")
    var data: String?

    /// The body, from a file.
    @Option(help: ArgumentHelp("Read the message body from this file (- for standard input).", valueName: "path"))
    var file: String?

    /// The message attributes, as JSON.
    @Option(
        help: ArgumentHelp(
            "Message attributes as JSON, such as '{\"author\":\"Ada\",\"priority\":3}'.",
            valueName: "json"
        )
    )
    var attributes: String?

    /// The invoker's address.
    @Option(help: "The running invoker's address.")
    var url = "http://127.0.0.1:8080"

    /// Requires exactly one of --data and --file.
    func validate() throws {
        guard (data == nil) != (file == nil) else {
            throw ValidationError("Give the message body with either --data TEXT or --file PATH.")
        }
    }

    /// Posts the message and prints its id.
    func run() async throws {
        guard let base = URL(string: url), base.scheme != nil else {
            throw ValidationError("--url \(url) is not a URL such as http://127.0.0.1:8080")
        }
        let body: Data
        if let data {
            body = Data(data.utf8)
        } else if file == "-" {
            body = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: file!) else {
                throw ValidationError("cannot read the message body from '\(file!)'")
            }
            body = contents
        }
        var request = URLRequest(url: base.appendingPathComponent("queue").appendingPathComponent(queue))
        request.httpMethod = "POST"
        request.httpBody = body
        if let attributes { request.setValue(attributes, forHTTPHeaderField: MessageAttribute.header) }
        let (answer, response): (Data, URLResponse)
        do {
            (answer, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw ValidationError("cannot reach an invoker at \(url): \(error.localizedDescription)")
        }
        let text = String(decoding: answer, as: UTF8.self)
        guard (response as? HTTPURLResponse)?.statusCode == 202,
            let sent = try? JSONDecoder().decode(SentMessage.self, from: answer)
        else {
            let message = (try? JSONDecoder().decode(ErrorDocument.self, from: answer))?.errorMessage ?? text
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            throw ExitCode.failure
        }
        print(sent.messageId)
    }
}
