import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension RuntimeAPIConnection {
    /// Who may connect to a worker's Runtime API endpoint. It listens on loopback, where every local process can
    /// reach it, so with workers under their own user ids a connection is refused, before anything is read from it,
    /// unless its peer runs as the worker's user: another function's worker cannot take this one's invocations.
    enum AllowedPeers: Sendable, Equatable {
        /// Nobody yet: the listener exists before the worker process, whose user is decided when it starts.
        case undecided
        /// Any local process: workers run as the invoker's own user.
        case anyone
        /// Only processes running as this user.
        case user(uid_t)
    }

    func admit(only identity: WorkerIdentity) {
        allowedPeers.withLock { peers in
            switch identity {
            case .inherited: peers = .anyone
            case .isolated(let uid): peers = .user(uid)
            }
        }
    }

    /// Succeeds when the peer of the newly accepted `channel` may use this endpoint; fails when it may not (the
    /// bootstrap then closes the connection). The peer's user is looked up in `/proc` off the event loop.
    func admit(_ channel: any Channel) -> EventLoopFuture<Void> {
        let peers = allowedPeers.withLock { $0 }
        switch peers {
        case .anyone:
            return channel.eventLoop.makeSucceededVoidFuture()
        case .undecided:
            return channel.eventLoop.makeFailedFuture(PeerRefused())
        case .user(let uid):
            guard let remote = channel.remoteAddress, let local = channel.localAddress else {
                return channel.eventLoop.makeFailedFuture(PeerRefused())
            }
            return NIOThreadPool.singleton.runIfActive(eventLoop: channel.eventLoop) {
                guard TCPPeer.uid(peer: remote, local: local) == uid else { throw PeerRefused() }
            }
        }
    }

    /// A connection from a process that is not the worker's user.
    struct PeerRefused: Error {}
}
