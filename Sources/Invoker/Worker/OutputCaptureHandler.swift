import NIOCore

/// Feeds a worker's output pipe into its ``OutputCapture``.
final class OutputCaptureHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let capture: OutputCapture

    init(capture: OutputCapture) {
        self.capture = capture
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        capture.append(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        capture.close()
        context.fireChannelInactive()
    }
}
