import Synchronization

/// Carries one transfer's body from the loop thread to the task that consumes it, with a bound.
///
/// The loop thread `offer`s bytes from curl's write callback; they are copied into a pooled `BodyBuffer`. When the
/// consumer has fallen more than `capacity` bytes behind, `offer` refuses and the loop pauses the transfer
/// (`CURL_WRITEFUNC_PAUSE`). A waiting consumer is woken by the loop's `wake()` once per turn, by `finish`, or
/// by `offer` itself once `eagerWakeBytes` wait for it.
/// The consumer's `next()` takes the whole buffer at once (the next bytes go into another one meanwhile) and gives
/// it back to the pool when it has consumed it; if it drained a paused pipe it tells the caller, who asks the loop
/// to un-pause. The consumer's continuation has one owner, this pipe, and is resumed once, after the lock is
/// released.
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
        /// bytes from an earlier attempt must start over), or where a range request resumed it. `resume` would
        /// let a later request continue this body.
        case begin(offset: Int64, resume: ResumeToken?)
        /// Bytes to consume, then `BodyPipe.recycle`.
        case bytes(BodyBuffer, resumeProducer: Bool)
        /// The attempt is over. `freesSlot`: the loop still counts this transfer against its limit, because the
        /// consumer was behind when curl finished; the consumer tells it (`Command.consumed`) now that it is not.
        case end(AttemptOutcome, freesSlot: Bool)
    }

    private struct State {
        var begin: (offset: Int64, resume: ResumeToken?)? = nil
        /// Bytes offered since the consumer last took; nil when there are none.
        var filling: BodyBuffer? = nil
        var waiter: CheckedContinuation<Event, Never>? = nil
        var end: AttemptOutcome? = nil
        /// `finish` found the consumer behind: its `.end` must free the loop's slot.
        var slotHeld = false
        var producerPaused = false
        var consumerGone = false
    }

    let capacity: Int
    /// A waiting consumer is woken from `offer` as soon as this many bytes wait for it, not at the end of the
    /// loop's turn. When a burst lands on many sockets at once, one turn reads them all, and the first image's
    /// decoder would sit idle behind the others' bursts while a core is free. Small bodies stay under it and keep
    /// their single wake per turn.
    let eagerWakeBytes: Int
    /// Marked on the loop thread when curl reports the body complete, before the consumer hears of it.
    private let arrival: BodyArrival?
    private let pool: BodyBufferPool
    private let state = Mutex(State())

    /// `capacity`: the most bytes held for the consumer; `pool.bufferSize` is at least that in practice (both are
    /// `FetchConfiguration.maxBufferedBytes`).
    init(
        capacity: Int, eagerWakeBytes: Int = 128 * 1024, pool: BodyBufferPool, arrival: BodyArrival? = nil
    ) {
        self.capacity = capacity
        self.eagerWakeBytes = eagerWakeBytes
        self.arrival = arrival
        self.pool = pool
    }

    /// A buffer the consumer never took (it stopped early) goes back to the pool.
    deinit {
        if let left = state.withLock({ $0.filling }) { pool.recycle(left) }
    }

    /// Loop thread: hand over bytes from the write callback. They are copied into the buffer being filled; a
    /// waiting consumer is woken here once `eagerWakeBytes` wait, else by `wake()` (the loop calls it once per turn
    /// for each pipe that was offered bytes) or by `finish`.
    func offer(_ bytes: UnsafeRawBufferPointer) -> Offer {
        let (offer, wake): (Offer, (CheckedContinuation<Event, Never>, Event)?) = state.withLock { s in
            if s.consumerGone { return (.closed, nil) }
            let filling: BodyBuffer
            if let current = s.filling {
                guard current.count + bytes.count <= capacity, bytes.count <= current.space else {
                    s.producerPaused = true
                    return (.full, nil)
                }
                filling = current
            } else {
                // Always accept into an empty pipe, so one oversized write still makes progress.
                filling = pool.take(minimum: bytes.count)
                s.filling = filling
            }
            filling.append(bytes)
            guard filling.count >= eagerWakeBytes, let waiter = s.waiter, let event = Self.take(&s) else {
                return (.accepted, nil)
            }
            s.waiter = nil
            return (.accepted, (waiter, event))
        }
        if let (waiter, event) = wake { waiter.resume(returning: event) }
        return offer
    }

    /// Loop thread: the body starts now, at `offset`. Called once per attempt, before the first `offer`; the
    /// consumer hears of it first, with the next wake.
    func begin(offset: Int64, resume: ResumeToken?) {
        state.withLock { $0.begin = (offset, resume) }
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
    ///
    /// Returns true when the consumer has not caught up: it is still working through earlier bytes, or bytes
    /// wait for it here. The loop then keeps counting the transfer against its limit until the consumer takes
    /// the end (`Event.end(_:freesSlot:)`), so a slow consumer (a decoder) holds back new transfers instead of
    /// letting finished bodies, and the decoders fed from them, pile up in memory.
    @discardableResult
    func finish(_ outcome: AttemptOutcome) -> Bool {
        let first = state.withLock { $0.end == nil }
        // Before the consumer hears of the end, and once: the loop finishes each pipe once.
        if first, case .success = outcome.result { arrival?.mark() }
        let (wake, behind): ((CheckedContinuation<Event, Never>, Event)?, Bool) = state.withLock { s in
            guard s.end == nil else { return (nil, false) }
            s.end = outcome
            let waiting = s.waiter != nil && s.begin == nil && s.filling == nil
            s.slotHeld = !waiting && !s.consumerGone
            guard let waiter = s.waiter, let event = Self.take(&s) else { return (nil, s.slotHeld) }
            s.waiter = nil
            return ((waiter, event), s.slotHeld)
        }
        if let (waiter, event) = wake { waiter.resume(returning: event) }
        return behind
    }

    @discardableResult
    func finish(_ error: FetchError) -> Bool { finish(AttemptOutcome(result: .failure(error))) }

    /// Consumer task: the next bytes, or the end.
    ///
    /// Takes what is ready without suspending: after the wake that brought a small file's begin, its bytes and end
    /// are usually there already, and a continuation for each would cost an allocation and a trip through the
    /// runtime for nothing.
    ///
    /// The two halves are never inlined: inlined, they made the async frame of every waiting consumer (one per
    /// queued transfer) some 3 KiB larger.
    func next() async -> Event {
        if let ready = takeReady() { return ready }
        return await waitForEvent()
    }

    @inline(never)
    func takeReady() -> Event? { state.withLock { Self.take(&$0) } }

    @inline(never)
    func waitForEvent() async -> Event {
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
            return .begin(offset: begin.offset, resume: begin.resume)
        }
        if let filling = s.filling {
            s.filling = nil
            let resume = s.producerPaused
            s.producerPaused = false
            return .bytes(filling, resumeProducer: resume)
        }
        return s.end.map { .end($0, freesSlot: s.slotHeld) }
    }

    /// Consumer task: bytes from `.bytes` are consumed; their buffer may be filled again, for any transfer.
    func recycle(_ buffer: BodyBuffer) { pool.recycle(buffer) }

    /// Consumer task: stop accepting bytes (the consumer failed or was cancelled).
    func close() {
        let dropped: BodyBuffer? = state.withLock { s in
            s.consumerGone = true
            defer { s.filling = nil }
            return s.filling
        }
        if let dropped { pool.recycle(dropped) }
    }

    /// Bytes waiting for the consumer, for tests of the bound.
    var bufferedCount: Int { state.withLock { $0.filling?.count ?? 0 } }

    /// A consumer is suspended in `next()`, for tests of when it is woken.
    var consumerWaits: Bool { state.withLock { $0.waiter != nil } }
}

/// Whether a download's last byte has arrived: set by the loop thread when curl reports the body complete, read by
/// whoever schedules the work on the bytes (a decoder with all its bytes goes first). State, not a callback, so
/// nothing of the consumer's runs on the loop thread.
final class BodyArrival: Sendable {
    private let arrived = Atomic<Bool>(false)

    func mark() { arrived.store(true, ordering: .releasing) }

    var hasArrived: Bool { arrived.load(ordering: .acquiring) }
}
