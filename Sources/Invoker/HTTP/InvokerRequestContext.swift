import Hummingbird
import NIOCore

/// The request context of the invoker's HTTP server: Hummingbird's basics plus the client's address, which the
/// Function URL event reports as `sourceIp`.
struct InvokerRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The address of the client.
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    var maxUploadSize: Int { Invocation.maxPayloadBytes }
}
