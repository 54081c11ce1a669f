import NIOCore
import Runtime
import Synchronization

/// Reads a worker's frames on the invoker's end of the native transport and passes them to its
/// ``NativeConnection``. A worker that breaks the protocol fails its invocation and is not used again.
final class NativeConnectionHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = NativeFrame

    private let box = Mutex<NativeConnection?>(nil)

    /// The connection the frames go to; set once, right after the channel is created.
    var connection: NativeConnection? {
        get { box.withLock { $0 } }
        set { box.withLock { $0 = newValue } }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection else { return context.close(promise: nil) }
        let unknownID = { (id: String) in
            connection.violated(
                WorkerError(
                    type: "Runtime.InvalidRequestID",
                    message: "the worker answered invocation \(id), which is not in flight"
                )
            )
        }
        switch unwrapInboundIn(data) {
        case .ready:
            connection.workerReady()
        case .response(let id, let body):
            let reply: WorkerReply =
                body.readableBytes > Invocation.maxPayloadBytes
                ? .error(.responseTooLarge(limit: Invocation.maxPayloadBytes)) : .response(body)
            if !connection.complete(id: id, with: reply) { unknownID(id) }
        case .httpResponse(let id, let response):
            if !connection.complete(id: id, with: .httpResponse(response)) { unknownID(id) }
        case .error(let id, let type, let message):
            if !connection.complete(id: id, with: .error(WorkerError(type: type, message: message))) {
                unknownID(id)
            }
        case .initError(let type, let message):
            connection.initFailed(WorkerError(type: type, message: message))
        case .streamStart(let id, let contentType):
            if !connection.beginStream(id: id, contentType: contentType) { unknownID(id) }
        case .streamChunk(let id, let body):
            // A chunk for another invocation than the streams this worker started breaks the protocol: the
            // connection is given up rather than the bytes put anywhere.
            guard let stream = connection.stream(id) else { return unknownID(id) }
            if !stream.append(body) {
                context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            }
        case .streamEnd(let id):
            if !connection.endStream(id: id, .complete) { unknownID(id) }
        case .streamError(let id, let type, let message):
            if !connection.endStream(id: id, .error(WorkerError(type: type, message: message))) { unknownID(id) }
        case .invoke:
            connection.violated(
                WorkerError(type: "Runtime.InvalidFrame", message: "the worker sent a frame only the invoker sends")
            )
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let frameError = error as? NativeFrameError else {
            // The socket failed rather than the worker's frames: most often a reset because the worker died with an
            // invocation unread. What happened is known from its exit status, not from this error.
            connection?.lost(error)
            return
        }
        let failure =
            frameError.isTooLarge
            ? WorkerError.responseTooLarge(limit: Invocation.maxPayloadBytes)
            : WorkerError(type: "Runtime.InvalidFrame", message: "\(frameError)")
        connection?.violated(failure)
    }
}
