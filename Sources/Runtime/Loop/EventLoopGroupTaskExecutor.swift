package import NIOCore
import NIOPosix

/// Runs tasks on event loop threads: each job on the loop of the thread that enqueues it, so a task woken by a
/// channel goes on on that channel's thread, or on the group's next loop when enqueued from elsewhere.
///
/// Under this executor's preference, a request, the connection it waits on and the code between them share a
/// thread instead of handing every step to the concurrency pool and back.
package final class EventLoopGroupTaskExecutor: TaskExecutor {
    private let group: any EventLoopGroup

    /// Creates an executor over the loops of `group`.
    package init(_ group: any EventLoopGroup) {
        self.group = group
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? self.group.next()
        loop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
