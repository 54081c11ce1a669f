import Logging
import NIOCore
import NIOPosix

extension FunctionRegistry {
    /// Runs the worker process: serves the invocations of the function named by `_HANDLER` until the invoker closes
    /// the connection.
    ///
    /// - With the argument `--list`, prints the registered names, one per line, and returns.
    /// - With `INVOKER_RUNTIME_FD` set, talks to the invoker over the native transport: binary frames on the Unix
    ///   domain socket at that descriptor.
    /// - Otherwise connects to the Runtime API at `AWS_LAMBDA_RUNTIME_API` (`host:port`). An unknown or missing
    ///   `_HANDLER` is reported to the invoker as an init error of type `Runtime.HandlerNotFound`.
    /// - With `AWS_LAMBDA_MAX_CONCURRENCY` above 1 (the function's `concurrency`), runs that many invocations at once,
    ///   each in a task of its own (over the Runtime API, each on a connection of its own). They share one thread:
    ///   concurrency serves functions that wait (on I/O, on other services), not ones that compute.
    ///
    /// Logging is bootstrapped to stderr at `LOG_LEVEL` (default `info`), so the executable must not bootstrap it
    /// itself; stdout is line-buffered so the invoker sees each printed line as it is printed. Any failure to start
    /// or to talk to the invoker is printed to stderr and exits the process with status 1.
    public func run() async {
        WorkerProcess.lineBufferStandardOutput()
        if CommandLine.arguments.dropFirst().contains("--list") {
            for name in self.names {
                print(name)
            }
            return
        }
        Self.bootstrapLogging()
        // One connection needs one event loop thread, not one per core.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // The invocation loop, the handler and the connection all run on that thread: no hops between threads.
        await withTaskExecutorPreference(EventLoopGroupTaskExecutor(group)) {
            let concurrency = Self.concurrency()
            if let descriptor = WorkerProcess.environment(NativeRuntimeClient.descriptorVariable) {
                guard let descriptor = CInt(descriptor) else {
                    WorkerProcess.fail(
                        "\(NativeRuntimeClient.descriptorVariable) is '\(descriptor)', expected a descriptor"
                    )
                }
                do {
                    // The frames carry invocation ids: one connection serves every loop.
                    let client = try await NativeRuntimeClient.connect(descriptor: descriptor, group: group)
                    await self.serve(clients: Array(repeating: client, count: concurrency))
                } catch {
                    WorkerProcess.fail("Could not use the invoker's socket (descriptor \(descriptor)): \(error)")
                }
            } else {
                let (host, port) = Self.runtimeAPIEndpoint()
                do {
                    var clients: [RuntimeAPIClient] = []
                    for _ in 0..<concurrency {
                        clients.append(try await RuntimeAPIClient.connect(host: host, port: port, group: group))
                    }
                    await self.serve(clients: clients)
                } catch {
                    WorkerProcess.fail("Could not connect to the Runtime API at \(host):\(port): \(error)")
                }
            }
        }
        try? await group.shutdownGracefully()
    }

    /// Serves the function named by `_HANDLER`, one invocation loop per client, until the invoker closes the
    /// connection.
    private func serve<Client: RuntimeClient>(clients: [Client]) async {
        let client = clients[0]
        let handlerName = WorkerProcess.environment("_HANDLER")
        guard let handlerName, let handler = self.handlers[handlerName] else {
            let notFound = self.handlerNotFound(handlerName)
            do {
                try await client.reportInitError(notFound)
            } catch {
                WorkerProcess.fail("\(notFound.errorMessage); reporting it to the invoker failed: \(error)")
            }
            WorkerProcess.fail(notFound.errorMessage)
        }
        let functionName = WorkerProcess.environment("AWS_LAMBDA_FUNCTION_NAME") ?? handlerName
        var logger = Logger(label: "Runtime")
        logger[metadataKey: MetadataKey.functionName] = "\(functionName)"
        do {
            try await Self.serve(handler, clients: clients, functionName: functionName, logger: logger)
        } catch {
            WorkerProcess.fail("\(error)")
        }
    }

    private static func bootstrapLogging() {
        let level = WorkerProcess.environment("LOG_LEVEL").flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// `AWS_LAMBDA_RUNTIME_API`, split into host and port.
    private static func runtimeAPIEndpoint() -> (host: String, port: Int) {
        guard let endpoint = WorkerProcess.environment("AWS_LAMBDA_RUNTIME_API") else {
            WorkerProcess.fail(
                """
                AWS_LAMBDA_RUNTIME_API is not set. This executable is a worker process that the invoker starts; \
                run `invoker serve`, or pass --list to list its functions.
                """
            )
        }
        guard let separator = endpoint.lastIndex(of: ":"), let port = Int(endpoint[endpoint.index(after: separator)...])
        else {
            WorkerProcess.fail("AWS_LAMBDA_RUNTIME_API is '\(endpoint)', expected host:port")
        }
        return (String(endpoint[..<separator]), port)
    }

    /// Opens the existential, so the loops are specialised for the handler.
    private static func serve<Client: RuntimeClient>(
        _ handler: some StreamingHandler,
        clients: [Client],
        functionName: String,
        logger: Logger
    ) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for client in clients {
                let loop = InvocationLoop(client: client, handler: handler, functionName: functionName, logger: logger)
                group.addTask { try await loop.run() }
            }
        }
    }

    /// How many invocations the worker runs at once: `AWS_LAMBDA_MAX_CONCURRENCY`, 1 when it is not set.
    private static func concurrency() -> Int {
        guard let value = WorkerProcess.environment("AWS_LAMBDA_MAX_CONCURRENCY") else { return 1 }
        guard let concurrency = Int(value), (1...1_000).contains(concurrency) else {
            WorkerProcess.fail("AWS_LAMBDA_MAX_CONCURRENCY is '\(value)', expected a number from 1 to 1000")
        }
        return concurrency
    }

    /// The init error of a missing or unknown `_HANDLER`, naming the handlers this executable has.
    private func handlerNotFound(_ name: String?) -> FunctionError {
        let problem = name.map { "No function named '\($0)' is registered" } ?? "_HANDLER is not set"
        return FunctionError(
            type: "Runtime.HandlerNotFound",
            message: "\(problem); this executable has: \(self.names.joined(separator: ", "))"
        )
    }
}
