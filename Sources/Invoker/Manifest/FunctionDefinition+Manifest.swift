import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension FunctionDefinition {
    /// The fields a function may have in the manifest.
    static let fields = [
        "handler", "command", "workingDirectory", "http", "timeout", "memory", "scaling", "environment", "queue",
        "limits", "transport", "schedules", "concurrency",
    ]

    /// Reads and validates one function; relative paths are resolved against `directory`.
    init(_ object: ManifestObject, name: String, directory: String) throws {
        try object.rejectUnknownKeys(Self.fields)
        self.name = name
        self.workingDirectory = try Self.directory(object, base: directory)
        self.command = try Self.command(object, directory: workingDirectory ?? directory)
        let handler = try object.string("handler")
        if handler?.isEmpty == true {
            throw object.error("handler", "must not be empty")
        }
        if let handler, handler.contains("\0") {
            throw object.error("handler", "\(handler.debugDescription) must not contain a NUL character")
        }
        self.handler = handler ?? name
        self.routes = try (object.objects("http") ?? []).map { try HTTPRoute($0, directory: directory) }
        self.timeout = try object.seconds("timeout", in: 0.001...900) ?? Self.defaultTimeout
        self.memoryMB = try object.integer("memory", in: 16...1_048_576) ?? Self.defaultMemoryMB
        self.concurrency = try object.integer("concurrency", in: 1...1_000) ?? 1
        self.scaling = try object.object("scaling").map(Scaling.init) ?? Scaling()
        self.environment = try Self.environment(object)
        self.queue = try object.object("queue").map(QueueTrigger.init)
        self.limits = try object.object("limits").map(Limits.init) ?? Limits()
        self.transport = try Self.transport(object, default: command == nil ? .native : .runtimeAPI)
        self.schedules = try Self.schedules(object, function: name)
        if let queue, queue.visibilityTimeout < timeout {
            throw object.error(
                "queue.visibilityTimeout",
                "must be at least the function's timeout (\(timeout.seconds) seconds), or a message could be"
                    + " delivered twice while it is still being processed"
            )
        }
    }

    /// The `command`, checked now so that a worker can start: its executable exists and is an executable file, and
    /// no argument holds a NUL (which no process can receive).
    private static func command(_ object: ManifestObject, directory: String) throws -> [String]? {
        guard let command = try object.strings("command") else { return nil }
        guard let executable = command.first, !executable.isEmpty else {
            throw object.error("command", "must name an executable as its first element")
        }
        if let index = command.firstIndex(where: { $0.contains("\0") }) {
            throw object.error(
                "command[\(index)]",
                "\(command[index].debugDescription) must not contain a NUL character"
            )
        }
        do {
            _ = try WorkerLaunch.resolve(executable, in: directory)
        } catch let error as InvokerError {
            throw object.error("command[0]", error.message)
        }
        return command
    }

    private static func transport(_ object: ManifestObject, default: Transport) throws -> Transport {
        guard let name = try object.string("transport") else { return `default` }
        guard let transport = Transport(rawValue: name) else {
            let names = Transport.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
            throw object.error("transport", "must be \(names), got \"\(name)\"")
        }
        return transport
    }

    private static func directory(_ object: ManifestObject, base: String) throws -> String? {
        guard let path = try object.string("workingDirectory") else { return nil }
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: base, isDirectory: true))
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw object.error("workingDirectory", "\"\(path)\" is not a directory (resolved to \(url.path))")
        }
        return url.standardizedFileURL.path
    }

    private static func environment(_ object: ManifestObject) throws -> [String: String] {
        guard let environment = try object.object("environment") else { return [:] }
        var result: [String: String] = [:]
        for (key, value) in environment.members {
            let isName =
                key.first.map { $0 == "_" || $0.isLetter } == true
                && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            guard isName else {
                throw environment.error(key, "is not a valid environment variable name")
            }
            guard !WorkerVariable.reservedNames.contains(key) else {
                throw environment.error(key, "is set by the invoker and cannot be overridden")
            }
            guard case .string(let string) = value else {
                throw environment.error(key, "must be a string, got \(value.description)")
            }
            guard !string.contains("\0") else {
                throw environment.error(key, "\(string.debugDescription) must not contain a NUL character")
            }
            result[key] = string
        }
        return result
    }
}

extension FunctionDefinition.Scaling {
    /// Reads and validates the `scaling` object.
    init(_ object: ManifestObject) throws {
        try object.rejectUnknownKeys(["min", "max", "idleTimeout", "maxQueue"])
        self.init()
        self.min = try object.integer("min", in: 0...10_000) ?? min
        self.max = try object.integer("max", in: 1...10_000) ?? Swift.max(max, self.min)
        self.idleTimeout = try object.seconds("idleTimeout", in: 0...86_400) ?? idleTimeout
        self.maxQueue = try object.integer("maxQueue", in: 0...1_000_000) ?? maxQueue
        guard min <= max else {
            throw object.error("min", "must not exceed max (\(max)), got \(min)")
        }
    }
}

extension FunctionDefinition.Limits {
    /// Reads and validates the `limits` object.
    init(_ object: ManifestObject) throws {
        try object.rejectUnknownKeys(["processes", "openFiles", "cpuSeconds"])
        self.init()
        self.processes = try object.integer("processes", in: 16...100_000) ?? processes
        self.openFiles = try object.integer("openFiles", in: 64...1_048_576) ?? openFiles
        if let hardLimit = Self.openFilesHardLimit(), openFiles > hardLimit {
            throw object.error(
                "openFiles",
                "must not exceed the invoker's hard limit on open files (RLIMIT_NOFILE \(hardLimit)), got \(openFiles)"
            )
        }
        self.cpuSeconds = try object.integer("cpuSeconds", in: 1...31_536_000) ?? cpuSeconds
    }
}

extension FunctionDefinition.Limits {
    /// The most open files the invoker can give a worker: its own hard `RLIMIT_NOFILE` (nil when unlimited).
    static func openFilesHardLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(resourceOpenFiles, &limit) == 0, limit.rlim_max != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_max)
    }

    #if canImport(Glibc)
    private static let resourceOpenFiles = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resourceOpenFiles = RLIMIT_NOFILE
    #endif
}

extension FunctionDefinition.QueueTrigger {
    /// Reads and validates the `queue` object.
    init(_ object: ManifestObject) throws {
        try object.rejectUnknownKeys(["name", "batchSize", "maxRetries", "visibilityTimeout", "batchWindow"])
        guard let name = try object.string("name") else {
            throw object.error("name", "is missing; a queue trigger must name its queue")
        }
        guard (1...80).contains(name.count),
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw object.error("name", "must be 1 to 80 letters, digits, '-' or '_', got \"\(name)\"")
        }
        self.init(name: name)
        self.batchSize = try object.integer("batchSize", in: 1...10_000) ?? batchSize
        self.maxRetries = try object.integer("maxRetries", in: 0...1_000) ?? maxRetries
        self.visibilityTimeout = try object.seconds("visibilityTimeout", in: 1...43_200) ?? visibilityTimeout
        self.batchWindow = try object.seconds("batchWindow", in: 0...300) ?? batchWindow
    }
}
