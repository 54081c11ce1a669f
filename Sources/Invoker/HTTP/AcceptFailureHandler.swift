import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Watches the listening socket for accepts that fail for lack of descriptors (or of memory for sockets), so that
/// running out is survivable and visible: the server keeps serving its connections while NIO's
/// `AcceptBackoffHandler` (which the bootstrap installs) pauses accepting and tries again a moment later; this
/// handler logs the first failure of each episode, and that accepting resumed, and counts every failure in
/// `/metrics`.
final class AcceptFailureHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    /// The errors that mean the process or the system is out of descriptors or socket memory.
    static let exhaustion: [CInt: String] = [
        EMFILE: "EMFILE", ENFILE: "ENFILE", ENOBUFS: "ENOBUFS", ENOMEM: "ENOMEM",
    ]

    private let metrics: InvokerMetrics
    private let logger: Logger
    private var exhausted = false

    init(metrics: InvokerMetrics, logger: Logger) {
        self.metrics = metrics
        self.logger = logger
    }

    /// Adds the handler in front of `channel`'s pipeline, the listening socket's.
    static func install(on channel: any Channel, metrics: InvokerMetrics, logger: Logger) async {
        try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(
                AcceptFailureHandler(metrics: metrics, logger: logger),
                position: .first
            )
        }.get()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if exhausted {
            exhausted = false
            logger.notice("accepting connections again")
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? IOError, let reason = Self.exhaustion[error.errnoCode] {
            metrics.acceptFailed(reason: reason)
            if !exhausted {
                exhausted = true
                logger.warning(
                    "out of file descriptors: not accepting new connections until some are freed",
                    metadata: ["error": "\(reason)"]
                )
            }
        }
        context.fireErrorCaught(error)
    }
}
