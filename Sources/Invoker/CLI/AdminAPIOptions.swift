import ArgumentParser

/// The options of a command that asks a running invoker's admin API: where it is, and the key.
struct AdminAPIOptions: ParsableArguments {
    @Option(help: "The running invoker's address.")
    var url = "http://127.0.0.1:8080"

    @Option(help: "The admin API key (default: INVOKER_API_KEY, else the file .invoker/admin.key).")
    var apiKey: String?

    /// A client of the admin API these options name.
    var client: AdminClient {
        get throws { try AdminClient(url: url, apiKey: apiKey) }
    }
}
