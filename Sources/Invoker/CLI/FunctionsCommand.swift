import ArgumentParser
import Foundation

/// `invoker functions`: the functions of a running invoker with their live worker counts.
struct FunctionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "functions",
        abstract: "List the functions of a running invoker with their workers and counters."
    )

    @OptionGroup var admin: AdminAPIOptions

    @Flag(help: "Print the invoker's JSON (GET /system/functions) as is.")
    var json = false

    func run() async throws {
        let data = try await admin.client.get("system/functions")
        if json {
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let functions = try JSONDecoder().decode([SystemRoutes.FunctionStatus].self, from: data)
        print(Self.table(functions), terminator: "")
    }

    /// The functions as an aligned table, one row each.
    static func table(_ functions: [SystemRoutes.FunctionStatus]) -> String {
        let header = ["FUNCTION", "IDLE", "BUSY", "STARTING", "WAITING", "MIN", "MAX", "COLD", "THROTTLED", "ROUTES"]
        let rows = functions.map { function in
            [
                function.name, "\(function.workers.idle)", "\(function.workers.busy)", "\(function.workers.starting)",
                "\(function.waiting)", "\(function.minWorkers)", "\(function.maxWorkers)", "\(function.coldStarts)",
                "\(function.throttles)", function.routes.isEmpty ? "-" : function.routes.joined(separator: ", "),
            ]
        }
        return AlignedTable.text(header, rows) + "\n"
    }
}
