import Synchronization

/// A block of memory that carries body bytes from curl's write callback to the consumer, then is reused.
///
/// One owner at a time, by hand-off: the pool; the loop thread, filling it inside a `BodyPipe` (under the pipe's
/// lock); the consumer task, reading it; the pool again. Only the owner touches it, so it may cross threads
/// (`@unchecked Sendable`). The consumer sees its bytes as a `RawSpan`, which the compiler keeps from escaping
/// the call, so no reference to a buffer survives its return to the pool.
final class BodyBuffer: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer
    /// Bytes filled so far, from the start.
    private(set) var count = 0
    /// Set by the pool while the buffer is out; guarded by the pool's lock.
    fileprivate var isLent = false

    fileprivate init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    var capacity: Int { storage.count }
    var isEmpty: Bool { count == 0 }
    var space: Int { capacity - count }

    /// Copies `bytes` after those already there. They must fit (`space`).
    func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= space, "BodyBuffer.append beyond its capacity")
        UnsafeMutableRawBufferPointer(rebasing: storage[count...]).copyMemory(from: bytes)
        count += bytes.count
    }

    /// The filled bytes, valid while the buffer is not returned to the pool.
    var unsafeBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[..<count]) }

    /// Lends the filled bytes to `body`, for the length of the call only.
    func withBytes(_ body: (RawSpan) async throws -> Void) async rethrows {
        try await body(UnsafeRawBufferPointer(rebasing: storage[..<count]).bytes)
    }

    fileprivate func empty() { count = 0 }
}

/// Body buffers kept for reuse across transfers and attempts.
///
/// Each transfer's pipe needs a buffer for every burst of bytes it hands over. Fresh ones cost an allocation, and
/// worse, fresh pages: the allocator hands freed memory back to the kernel (large blocks, and the top of a thread's
/// heap), and each new buffer's pages would fault in again as curl's bytes are copied in. Buffers that come back
/// after consumption keep their pages. At most two are
/// out per transfer in flight (one filling, one being consumed), so the pool keeps at most that many.
final class BodyBufferPool: Sendable {
    /// The size of every pooled buffer: the most a pipe holds (`FetchConfiguration.maxBufferedBytes`).
    let bufferSize: Int
    private let maxKept: Int
    private let free = Mutex<[BodyBuffer]>([])

    init(bufferSize: Int, maxKept: Int) {
        self.bufferSize = max(1, bufferSize)
        self.maxKept = max(0, maxKept)
    }

    /// An empty buffer of at least `minimum` bytes: a pooled one of `bufferSize`, or for a larger single write
    /// (possible when curl re-delivers paused data) one of its own, which is not kept afterwards.
    func take(minimum: Int = 0) -> BodyBuffer {
        guard minimum <= bufferSize else {
            let large = BodyBuffer(capacity: minimum)
            large.isLent = true
            return large
        }
        let kept: BodyBuffer? = free.withLock { free in
            let buffer = free.popLast()
            buffer?.isLent = true
            return buffer
        }
        if let kept { return kept }
        let fresh = BodyBuffer(capacity: bufferSize)
        fresh.isLent = true
        return fresh
    }

    /// Takes `buffer` back, empty, for a later `take`. Returning one twice would hand it to two owners, so it traps.
    func recycle(_ buffer: BodyBuffer) {
        free.withLock { free in
            precondition(buffer.isLent, "a body buffer was returned to the pool twice")
            buffer.isLent = false
            guard buffer.capacity == bufferSize, free.count < maxKept else { return }
            buffer.empty()
            free.append(buffer)
        }
    }

    /// Buffers waiting to be reused, for tests.
    var keptCount: Int { free.withLock { $0.count } }
}
