import Dispatch

/// A task executor that runs its jobs one at a time on a serial Dispatch queue, off the cooperative pool.
///
/// The pipeline runs on one, so that the loop showing each finished image gets a thread at once. On the cooperative
/// pool it would not: the pool serves jobs first come, first served, and a decoder with bytes in hand does not
/// suspend between chunks, so the loop woken by a finished image would wait behind every decoder that has bytes.
/// A serial queue gets a Dispatch thread of its own even while the pool's threads are all busy.
final class SerialQueueExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
