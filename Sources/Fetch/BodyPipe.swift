import Synchronization

/// Carries one transfer's body from the loop thread to the task that consumes it, with a bound.
///
/// The loop thread `offer`s bytes from curl's write callback; when the consumer has fallen more than
/// `capacity` bytes behind, `offer` refuses and the loop pauses the transfer (`CURL_WRITEFUNC_PAUSE`).
/// The consumer's `next()` takes everything buffered at once; if it drained a paused pipe it tells the caller,
/// who asks the loop to un-pause. The consumer's continuation has one owner, this pipe, and is resumed once,
/// after the lock is released.
final class BodyPipe: Sendable {
    enum Offer {
        case accepted
        /// Buffer full: pause the transfer and deliver these bytes again later.
        case full
        /// The consumer is gone: abort the transfer.
        case closed
    }

    enum Event: Sendable {
        /// The body of this attempt starts at `offset` of the whole file: 0 for a fresh body (a consumer holding
        /// bytes from an earlier attempt must start over), or where a range request resumed it.
        case begin(offset: Int64)
        case bytes([UInt8], resumeProducer: Bool)
        case end(AttemptOutcome)
    }

    private struct State {
        var begin: Int64? = nil
        var buffer: [UInt8] = []
        var waiter: CheckedContinuation<Event, Never>? = nil
        var end: AttemptOutcome? = nil
        var producerPaused = false
        var consumerGone = false
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Loop thread: hand over bytes from the write callback.
    func offer(_ bytes: UnsafeRawBufferPointer) -> Offer {
        let (outcome, waiter): (Offer, CheckedContinuation<Event, Never>?) = state.withLock { s in
            if s.consumerGone { return (.closed, nil) }
            // Always accept into an empty buffer, so one oversized write still makes progress.
            if !s.buffer.isEmpty && s.buffer.count + bytes.count > capacity {
                s.producerPaused = true
                return (.full, nil)
            }
            guard let waiter = s.waiter else {
                s.buffer.append(contentsOf: bytes)
                return (.accepted, nil)
            }
            s.waiter = nil
            return (.accepted, waiter)
        }
        // A waiting consumer gets the bytes directly; nothing was buffered (it only waits on an empty buffer).
        waiter?.resume(returning: .bytes(Array(bytes), resumeProducer: false))
        return outcome
    }

    /// Loop thread: the body starts now, at `offset`. Called once per attempt, before the first `offer`.
    func begin(offset: Int64) {
        let waiter: CheckedContinuation<Event, Never>? = state.withLock { s in
            guard let waiter = s.waiter else {
                s.begin = offset
                return nil
            }
            s.waiter = nil
            return waiter
        }
        waiter?.resume(returning: .begin(offset: offset))
    }

    /// Loop thread: the attempt is over. Bytes still buffered are delivered first.
    func finish(_ outcome: AttemptOutcome) {
        let waiter: CheckedContinuation<Event, Never>? = state.withLock { s in
            guard s.end == nil else { return nil }
            s.end = outcome
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: .end(outcome))
    }

    func finish(_ error: FetchError) { finish(AttemptOutcome(result: .failure(error))) }

    /// Consumer task: the next bytes, or the end.
    func next() async -> Event {
        await withCheckedContinuation { (continuation: CheckedContinuation<Event, Never>) in
            let ready: Event? = state.withLock { s in
                if let offset = s.begin {
                    s.begin = nil
                    return .begin(offset: offset)
                }
                if !s.buffer.isEmpty {
                    let bytes = s.buffer
                    s.buffer = []
                    s.buffer.reserveCapacity(min(bytes.count, capacity))
                    let resume = s.producerPaused
                    s.producerPaused = false
                    return .bytes(bytes, resumeProducer: resume)
                }
                if let end = s.end { return .end(end) }
                s.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Consumer task: stop accepting bytes (the consumer failed or was cancelled).
    func close() {
        state.withLock { s in
            s.consumerGone = true
            s.buffer = []
        }
    }

    /// Bytes waiting for the consumer, for tests of the bound.
    var bufferedCount: Int { state.withLock { $0.buffer.count } }
}
