import Hummingbird
import HummingbirdCore

extension HTTPEdgePolicy {
    /// The HTTP/1.1 server that applies this policy: the parser's head limits, and an ``HTTPEdgeHandler`` on every
    /// connection.
    var server: HTTPServerBuilder {
        let policy = self
        var decoder = HTTP1Channel.Configuration.DecoderConfiguration()
        decoder.maxHeaderFieldSize = maxHeaderBytes
        decoder.maxHeaderListSize = maxHeaderBytes
        return .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [HTTPEdgeHandler(policy: policy)],
                httpDecoderConfiguration: decoder
            )
        )
    }
}
