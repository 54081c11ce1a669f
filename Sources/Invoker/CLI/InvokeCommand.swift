import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `invoker invoke NAME`: calls a function of a running invoker through the Lambda Invoke API.
struct InvokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoke",
        abstract: "Invoke a function of a running invoker and print its result.",
        discussion: "The result goes to standard output; the invocation id (for `invoker logs ID`) to standard"
            + " error. The exit status is 1 when the function failed."
    )

    /// The user agent that marks an invocation as coming from this command (its record's trigger is `cli`).
    static let userAgent = "invoker-cli"

    @Argument(help: "The function to invoke.")
    var name: String

    @Option(help: "The event, as JSON.")
    var data = "{}"

    @Option(help: "The running invoker's address.")
    var url = "http://127.0.0.1:8080"

    @Option(
        help: ArgumentHelp(
            "The invoker's admin key, which an Invoke API that requires signatures accepts instead of one.",
            discussion: "Defaults to INVOKER_API_KEY, then to .invoker/admin.key in the current folder."
        )
    )
    var apiKey: String?

    func run() async throws {
        guard let base = URL(string: url), base.scheme != nil else {
            throw ValidationError("--url \(url) is not a URL such as http://127.0.0.1:8080")
        }
        let endpoint = base.appendingPathComponent("2015-03-31/functions/\(name)/invocations")
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = Data(data.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(Self.userAgent, forHTTPHeaderField: "User-Agent")
        if let key = AdminKey.resolve(explicit: apiKey) {
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        }
        let (body, response): (Data, URLResponse)
        do {
            (body, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw ValidationError("cannot reach an invoker at \(url): \(error.localizedDescription)")
        }
        let http = response as? HTTPURLResponse
        let output = String(decoding: body, as: UTF8.self)
        if let id = http?.value(forHTTPHeaderField: "x-amzn-RequestId") {
            FileHandle.standardError.write(Data("invocation \(id)\n".utf8))
        }
        guard http?.statusCode == 200, http?.value(forHTTPHeaderField: "x-amz-function-error") == nil else {
            FileHandle.standardError.write(Data("\(output)\n".utf8))
            throw ExitCode.failure
        }
        print(output)
    }
}
