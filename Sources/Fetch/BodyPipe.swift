import Synchronization

/// Carries one transfer's body from the loop thread to the task that consumes it, with a bound.
///
/// The loop thread `offer`s bytes from curl's write callback; when the consumer has fallen more than
/// `capacity` bytes behind, `offer` refuses and the loop pauses the transfer (`CURL_WRITEFUNC_PAUSE`).
/// A waiting consumer is woken by the loop's `wake()` once per turn, or by `finish`.
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
        /// bytes from an earlier attempt must start over), or where a range request resumed it. `validator` would
        /// let a later request resume this body (`ResponseHeaders.resumePoint`).
        case begin(offset: Int64, validator: String?)
        case bytes([UInt8], resumeProducer: Bool)
        case end(AttemptOutcome)
    }

    private struct State {
        var begin: (offset: Int64, validator: String?)? = nil
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

    /// Loop thread: hand over bytes from the write callback. They are buffered; a waiting consumer is woken by
    /// `wake()` (the loop calls it once per turn for each pipe that was offered bytes) or by `finish`.
    /// `remaining`: the body bytes still to come, these included, when the server announced a length. An empty
    /// buffer is then sized for them (up to `capacity`) at once, rather than grown by doubling, copying each time.
    func offer(_ bytes: UnsafeRawBufferPointer, remaining: Int64? = nil) -> Offer {
        state.withLock { s in
            if s.consumerGone { return .closed }
            // Always accept into an empty buffer, so one oversized write still makes progress.
            if !s.buffer.isEmpty && s.buffer.count + bytes.count > capacity {
                s.producerPaused = true
                return .full
            }
            if s.buffer.isEmpty, let remaining, remaining > bytes.count {
                s.buffer.reserveCapacity(Int(min(remaining, Int64(capacity))))
            }
            s.buffer.append(contentsOf: bytes)
            return .accepted
        }
    }

    /// Loop thread: the body starts now, at `offset`. Called once per attempt, before the first `offer`; the
    /// consumer hears of it first, with the next wake.
    func begin(offset: Int64, validator: String?) {
        state.withLock { $0.begin = (offset, validator) }
    }

    /// Loop thread: a waiting consumer gets what was offered since it last looked.
    ///
    /// Called once per loop turn rather than from every `offer`, so a consumer is woken once for all the writes of
    /// a turn, and a small file's begin, bytes and end usually reach it with one wake instead of three: each wake
    /// is a task enqueued on the cooperative pool and, often, a sleeping thread woken.
    func wake() {
        let wake: (CheckedContinuation<Event, Never>, Event)? = state.withLock { s in
            guard let waiter = s.waiter, let event = Self.take(&s) else { return nil }
            s.waiter = nil
            return (waiter, event)
        }
        if let (waiter, event) = wake { waiter.resume(returning: event) }
    }

    /// Loop thread: the attempt is over. Bytes still buffered (and the begin) are delivered first.
    func finish(_ outcome: AttemptOutcome) {
        let wake: (CheckedContinuation<Event, Never>, Event)? = state.withLock { s in
            guard s.end == nil else { return nil }
            s.end = outcome
            guard let waiter = s.waiter, let event = Self.take(&s) else { return nil }
            s.waiter = nil
            return (waiter, event)
        }
        if let (waiter, event) = wake { waiter.resume(returning: event) }
    }

    func finish(_ error: FetchError) { finish(AttemptOutcome(result: .failure(error))) }

    /// Consumer task: the next bytes, or the end.
    func next() async -> Event {
        await withCheckedContinuation { (continuation: CheckedContinuation<Event, Never>) in
            let ready: Event? = state.withLock { s in
                if let event = Self.take(&s) { return event }
                s.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The consumer's next event, if there is one: the begin, then everything buffered at once, then the end.
    private static func take(_ s: inout State) -> Event? {
        if let begin = s.begin {
            s.begin = nil
            return .begin(offset: begin.offset, validator: begin.validator)
        }
        if !s.buffer.isEmpty {
            // No capacity is reserved for the next bytes: that would cost an allocation (and fresh pages) per take
            // even when no more bytes come, as for every small file.
            let bytes = s.buffer
            s.buffer = []
            let resume = s.producerPaused
            s.producerPaused = false
            return .bytes(bytes, resumeProducer: resume)
        }
        return s.end.map { .end($0) }
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
