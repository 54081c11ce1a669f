import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to start a function's worker processes: the executable, its arguments, its directory and its environment.
struct WorkerLaunch: Sendable {
    /// The executable's absolute path.
    var executable: String
    /// The arguments after the executable.
    var arguments: [String]
    /// The directory the worker starts in.
    var workingDirectory: String
    /// The worker's whole environment, apart from the connection's variables: the manifest's variables and the
    /// Lambda variables. Nothing of the invoker's environment is passed on except `PATH`.
    var environment: [String: String]
    /// The worker's operating-system limits.
    var limits: WorkerLimits

    /// The AWS region reported to workers.
    static let region = "us-east-1"
    /// The placeholder account id in ARNs.
    static let accountID = "000000000000"

    /// The launch of `function`; functions without a `command` run `functionsBinary`.
    init(function: FunctionDefinition, functionsBinary: String, manifestDirectory: String) throws {
        let directory = function.workingDirectory ?? manifestDirectory
        if let command = function.command {
            self.executable = try Self.resolve(command[0], in: directory)
            self.arguments = Array(command.dropFirst())
        } else {
            self.executable = functionsBinary
            self.arguments = []
        }
        self.workingDirectory = directory
        self.limits = WorkerLimits(
            openFiles: function.limits.openFiles,
            cpuSeconds: function.limits.cpuSeconds,
            processes: function.limits.processes
        )
        var environment = function.environment
        environment["PATH"] = environment["PATH"] ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        environment["LANG"] = environment["LANG"] ?? "C.UTF-8"
        environment["TZ"] = environment["TZ"] ?? ":UTC"
        for variable in WorkerVariable.allCases {
            environment[variable.rawValue] = Self.value(of: variable, function: function, directory: directory)
        }
        self.environment = environment
    }

    /// The value the invoker gives `variable` for every worker of `function`; nil for the variables that differ
    /// from worker to worker (the connection's, the log stream).
    private static func value(of variable: WorkerVariable, function: FunctionDefinition, directory: String) -> String? {
        switch variable {
        case .runtimeAPI, .runtimeDescriptor, .logStream: return nil
        case .handler: return function.handler
        case .functionName: return function.name
        case .memorySize: return String(function.memoryMB)
        case .version: return "$LATEST"
        case .timeout: return String(Int(function.timeout.seconds.rounded(.up)))
        case .logGroup: return "/aws/lambda/\(function.name)"
        case .region, .defaultRegion: return region
        case .taskRoot: return directory
        case .maxConcurrency: return function.concurrency > 1 ? String(function.concurrency) : nil
        }
    }

    /// The whole environment of one worker: the function's, its own log stream, and `connection`'s variables.
    func environment(connection: [String: String]) -> [String: String] {
        var environment = self.environment.merging(connection) { $1 }
        environment[WorkerVariable.logStream.rawValue] = WorkerVariable.logStreamName()
        return environment
    }

    /// The ARN of `function`, as workers and the Invoke API see it.
    static func arn(of function: String) -> String {
        "arn:aws:lambda:\(region):\(accountID):function:\(function)"
    }

    /// Resolves a command's executable: a path relative to `directory`, or a name looked up on `PATH`. The error
    /// says what is wrong with it.
    static func resolve(_ name: String, in directory: String) throws -> String {
        if name.contains("/") {
            let path = name.hasPrefix("/") ? name : directory + "/" + name
            try checkExecutable(path)
            return path
        }
        let searchPath = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for folder in searchPath.split(separator: ":") where (try? checkExecutable("\(folder)/\(name)")) != nil {
            return "\(folder)/\(name)"
        }
        throw InvokerError(.workerFailed, "\(name.debugDescription) was not found on PATH (\(searchPath))")
    }

    /// Throws unless `path` is a regular file the invoker may execute.
    private static func checkExecutable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InvokerError(.workerFailed, "\(path.debugDescription) does not exist")
        }
        guard !isDirectory.boolValue else {
            throw InvokerError(.workerFailed, "\(path.debugDescription) is a directory, not an executable")
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw InvokerError(.workerFailed, "\(path.debugDescription) is not executable")
        }
    }
}
