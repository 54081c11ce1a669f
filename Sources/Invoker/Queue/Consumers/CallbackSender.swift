import Foundation
import Logging
import ServiceLifecycle

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Posts the results of asynchronous invocations to their callback URLs, off the consumers' path: a failed post is
/// retried a few times with a doubling delay, then logged and given up; nothing a callback receiver does can stop the
/// invoker.
///
/// List it before the queue consumers in the service group, so it shuts down after them: on graceful shutdown it
/// takes no more callbacks and returns once those queued are delivered or given up.
///
/// ```swift
/// let callbacks = CallbackSender(logger: logger)
/// callbacks.send(callback)  // from any task; never waits
/// ```
final class CallbackSender: Service, Sendable {
    /// How many times a callback is posted before it is given up.
    static let attempts = 4
    /// The wait before the first retry; it doubles for each next one.
    static let retryDelay: Duration = .milliseconds(500)
    /// How long one post may take.
    static let requestTimeout: Duration = .seconds(5)
    /// The most callbacks waiting to be sent; more are dropped (and logged).
    static let capacity = 10_000
    /// The most callbacks posted at once.
    static let concurrency = 16

    private let logger: Logger
    private let stream: AsyncStream<Callback>
    private let continuation: AsyncStream<Callback>.Continuation

    /// Creates a sender that logs to `logger`.
    init(logger: Logger) {
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(Self.capacity))
    }

    /// Queues `callback` to be posted; never waits.
    func send(_ callback: Callback) {
        switch continuation.yield(callback) {
        case .enqueued: break
        case .dropped, .terminated:
            logger.warning(
                "Callback dropped: too many are waiting, or the invoker is stopping",
                metadata: [LogKey.callbackURL: "\(callback.url)", LogKey.invocation: "\(callback.invocationID)"]
            )
        @unknown default: break
        }
    }

    /// Posts callbacks until graceful shutdown, then the ones still queued.
    func run() async {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                var unfinished = 0
                for await callback in stream {
                    if unfinished >= Self.concurrency {
                        await group.next()
                        unfinished -= 1
                    }
                    group.addTask { await self.deliver(callback) }
                    unfinished += 1
                }
            }
        } onGracefulShutdown: { [continuation] in
            continuation.finish()
        }
    }

    private func deliver(_ callback: Callback) async {
        var logger = logger
        logger[metadataKey: LogKey.callbackURL] = "\(callback.url)"
        logger[metadataKey: LogKey.invocation] = "\(callback.invocationID)"
        var delay = Self.retryDelay
        for attempt in 1...Self.attempts {
            do {
                let status = try await post(callback)
                if (200..<300).contains(status) { return }
                logger.notice(
                    "Callback refused",
                    metadata: [LogKey.callbackAttempt: "\(attempt)", LogKey.callbackStatus: "\(status)"]
                )
            } catch {
                logger.notice(
                    "Callback failed",
                    metadata: [LogKey.callbackAttempt: "\(attempt)", LogKey.error: "\(error)"]
                )
            }
            guard attempt < Self.attempts, !Task.isCancelled else { break }
            try? await Task.sleep(for: delay)
            delay *= 2
        }
        logger.warning("Callback given up", metadata: [LogKey.callbackAttempt: "\(Self.attempts)"])
    }

    private func post(_ callback: Callback) async throws -> Int {
        guard let url = URL(string: callback.url) else { return 0 }
        var request = URLRequest(url: url, timeoutInterval: Self.requestTimeout.seconds)
        request.httpMethod = "POST"
        for (name, value) in callback.headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = Data(callback.body)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
