import Hummingbird
import NIOCore

/// The baseline's request context: Hummingbird's basics plus the client's address, for the event's `sourceIp`.
struct BaselineRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The address of the client.
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The largest body read: Lambda's 6 MiB, as the invoker accepts.
    var maxUploadSize: Int { 6 * 1024 * 1024 }
}
