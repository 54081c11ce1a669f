#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The spawner: a small single-threaded process, the invoker's own executable run as `invoker spawner`, that starts
/// every worker on the invoker's behalf.
///
/// The invoker is multi-threaded, and a child it forks cannot safely switch its user: glibc's `setgroups` and
/// `setuid` wait for every thread the parent had, and one that was being created never answers. The spawner has one
/// thread, so its children may set their limits, drop their groups and switch their user and group between `fork` and
/// `execve`: a worker never runs an instruction of its own with the invoker's identity or without its limits.
///
/// It reads ``SpawnRequest``s from the socket on descriptor 3 (with the worker's standard input and output as
/// `SCM_RIGHTS`), answers each with a ``SpawnReply``, reaps its workers and reports how each ended, killing what is
/// left of the worker's process group first. When the invoker's end closes (the invoker is gone) it kills every
/// worker it started, with its group, and exits.
struct SpawnerProcess {
    /// The descriptor the invoker hands the spawner its end of the socket on.
    static let socketDescriptor: CInt = 3

    let socket = SpawnerSocket(descriptor: socketDescriptor)
    /// The workers started and not reaped yet; each leads its own process group.
    var children: Set<pid_t> = []
    /// Written to by the SIGCHLD handler, polled by the loop.
    let wake: (read: CInt, write: CInt)

    /// Runs the spawner until the invoker goes away; refuses to run in a process with more than one thread.
    static func run() -> Never {
        let threads = directoryEntries("/proc/self/task").count
        guard threads == 1 else {
            complain("refusing to run with \(threads) threads; it must be the only one")
            exit(70)
        }
        var socketType: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        guard getsockopt(socketDescriptor, SOL_SOCKET, SO_TYPE, &socketType, &length) == 0,
            socketType == CInt(SOCK_SEQPACKET.rawValue)
        else {
            complain("descriptor \(socketDescriptor) is not the invoker's socket; the invoker starts the spawner")
            exit(64)
        }
        // Whatever the spawner was given beyond its socket and standard descriptors goes; the socket (inherited, so
        // not close-on-exec) and everything the spawner opens from here on are close-on-exec, so a worker starts with
        // its three standard descriptors and no other.
        for descriptor in directoryEntries("/proc/self/fd") where descriptor > socketDescriptor {
            close(descriptor)
        }
        guard fcntl(socketDescriptor, F_SETFD, FD_CLOEXEC) == 0 else {
            complain("could not make its socket close-on-exec (errno \(errno))")
            exit(71)
        }
        var fds: [CInt] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else {
            complain("no socket pair for SIGCHLD (errno \(errno))")
            exit(71)
        }
        wakeDescriptor = fds[1]
        signal(SIGCHLD, wakeOnChild)
        var spawner = SpawnerProcess(wake: (fds[0], fds[1]))
        spawner.serve()
    }

    private init(wake: (read: CInt, write: CInt)) {
        self.wake = wake
    }

    /// Answers requests and reports ended workers until the invoker's end of the socket closes.
    private mutating func serve() -> Never {
        var polled = [
            pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            guard poll(&polled, 2, -1) >= 0 else {
                guard errno == EINTR else { shutDown("poll failed (errno \(errno))") }
                continue
            }
            if polled[1].revents != 0 {
                var drained = [UInt8](repeating: 0, count: 64)
                while read(wake.read, &drained, drained.count) > 0 {}
                reap()
            }
            if polled[0].revents != 0 {
                guard let message = socket.receive(capacity: SpawnerWire.maximumMessage) else {
                    shutDown(errno == 0 ? nil : "reading the invoker's socket failed (errno \(errno))")
                }
                answer(message)
            }
        }
    }

    /// Starts the worker `message` asks for and replies; a request that cannot be read is rejected.
    private mutating func answer(_ message: SpawnerSocket.Message) {
        defer { for descriptor in message.descriptors { close(descriptor) } }
        let reply: SpawnReply
        do {
            let request = try SpawnRequest(decoding: message.bytes[...])
            if message.descriptors.count == 2 {
                reply = spawn(request, input: message.descriptors[0], output: message.descriptors[1])
            } else {
                reply = .rejected(id: request.id, reason: "\(message.descriptors.count) descriptors, not 2")
            }
        } catch {
            var id: UInt64 = 0
            if message.bytes.count >= 8 {
                for index in (0..<8).reversed() { id = id << 8 | UInt64(message.bytes[index]) }
            }
            reply = .rejected(id: id, reason: error.description)
        }
        send(reply)
    }

    /// Reports every worker that ended, after killing the rest of its process group (its id cannot be reused
    /// before the worker is reaped).
    private mutating func reap() {
        for pid in children {
            var info = siginfo_t()
            guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0,
                info._sifields._sigchld.si_pid == pid
            else { continue }
            kill(-pid, SIGKILL)
            var status: CInt = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            children.remove(pid)
            let exit: WorkerExit = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
            send(.ended(pid: pid, exit: exit))
        }
    }

    private func send(_ reply: SpawnReply) {
        let failure = socket.send(reply.encoded)
        if failure != 0 && failure != EPIPE && failure != ECONNRESET {
            Self.complain("could not reply (errno \(failure))")
        }
    }

    /// Kills every worker the spawner started, with its group, and exits; `problem` is logged when there was one.
    private func shutDown(_ problem: String?) -> Never {
        if let problem { Self.complain("\(problem); killing its workers") }
        for pid in children { kill(-pid, SIGKILL) }
        exit(problem == nil ? 0 : 1)
    }

    /// Writes `message` to standard error (the invoker's), as one line.
    static func complain(_ message: String) {
        let line = Array("invoker spawner: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// The numbers in a `/proc` directory (descriptors, threads); the listing's own descriptor excluded.
    static func directoryEntries(_ path: String) -> [CInt] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        let own = dirfd(directory)
        var numbers: [CInt] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let number = CInt(name), number != own { numbers.append(number) }
        }
        return numbers
    }
}

/// The write end the SIGCHLD handler wakes the loop with; set once, before the handler is installed.
nonisolated(unsafe) private var wakeDescriptor: CInt = -1

/// The SIGCHLD handler: one byte to the loop's wake-up socket (a full socket already wakes it).
private func wakeOnChild(_: CInt) {
    let saved = errno
    var byte: UInt8 = 1
    _ = write(wakeDescriptor, &byte, 1)
    errno = saved
}
