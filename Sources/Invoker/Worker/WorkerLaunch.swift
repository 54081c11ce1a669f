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
        environment["_HANDLER"] = function.handler
        environment["AWS_LAMBDA_FUNCTION_NAME"] = function.name
        environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = String(function.memoryMB)
        environment["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST"
        environment["AWS_LAMBDA_FUNCTION_TIMEOUT"] = String(Int(function.timeout.seconds.rounded(.up)))
        environment["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/\(function.name)"
        environment["AWS_REGION"] = Self.region
        environment["AWS_DEFAULT_REGION"] = Self.region
        environment["LAMBDA_TASK_ROOT"] = directory
        self.environment = environment
    }

    /// The ARN of `function`, as workers and the Invoke API see it.
    static func arn(of function: String) -> String {
        "arn:aws:lambda:\(region):\(accountID):function:\(function)"
    }

    /// Resolves a command's executable: a path relative to `directory`, or a name looked up on `PATH`.
    private static func resolve(_ name: String, in directory: String) throws -> String {
        if name.contains("/") {
            let path = name.hasPrefix("/") ? name : directory + "/" + name
            guard access(path, X_OK) == 0 else {
                throw InvokerError(.workerFailed, "the command \(path) does not exist or is not executable")
            }
            return path
        }
        let searchPath = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for folder in searchPath.split(separator: ":") where access("\(folder)/\(name)", X_OK) == 0 {
            return "\(folder)/\(name)"
        }
        throw InvokerError(.workerFailed, "the command \(name) was not found on PATH (\(searchPath))")
    }
}
