import NIOCore

/// Runs a task's jobs on one NIO event loop. A store call that leases a PostgreSQL connection runs its
/// statements under this executor for the connection's own loop, so each reply resumes the caller on the
/// thread that read it instead of waking a concurrency-pool thread, and each next statement is written
/// without waking the loop (docs/performance.md).
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
