/// The iterator's work for one `BodyStream`: starts each attempt on the loop, turns the pipe's events into
/// `BodyEvent`s, and decides about retries.
///
/// Belongs to the one task iterating the stream; never shared. Its `deinit` stops a transfer the consumer left
/// before the end (it broke out of the loop or threw).
final class BodyReader {
    private let fetcher: Fetcher
    private let request: Request
    private let arrival: BodyArrival
    private let id: TransferID
    private var attempts: Attempts
    /// The attempt in flight; nil between attempts.
    private var pipe: BodyPipe?
    private var isOver = false

    init(fetcher: Fetcher, request: Request, arrival: BodyArrival) {
        self.fetcher = fetcher
        self.request = request
        self.arrival = arrival
        id = fetcher.makeTransferID()
        attempts = Attempts(request: request, policy: fetcher.retryPolicy)
    }

    deinit {
        // Only a transfer that waited for a retry was posted as `.retrying`.
        if attempts.retries > 0 { fetcher.board.setRetrying(id, nil) }
        if let pipe {
            pipe.close()
            fetcher.inbox.send(.cancel(id))
        }
    }

    func next() async throws -> BodyEvent? {
        guard !isOver else { return nil }
        do {
            return try await nextEvent()
        } catch {
            isOver = true
            if let pipe {
                pipe.close()
                fetcher.inbox.send(.cancel(id))
                self.pipe = nil
            }
            throw error
        }
    }

    private func nextEvent() async throws -> BodyEvent {
        while true {
            let pipe = try self.pipe ?? startAttempt()
            switch try await nextEvent(of: pipe) {
            case .begin(let offset, let resume):
                // A 206 continues the body delivered so far, under the same validator.
                guard offset == 0 else { continue }
                attempts.restart(resume: resume)
                return .restart(resume)
            case .bytes(let buffer, let resumeProducer):
                // Un-pause first, so the loop refills the other buffer while the consumer works on this one.
                if resumeProducer { fetcher.inbox.send(.resume(id)) }
                attempts.delivered += Int64(buffer.count)
                return .bytes(BodyChunk(buffer, pool: fetcher.buffers))
            case .end(let outcome, let freesSlot):
                self.pipe = nil
                if freesSlot { fetcher.inbox.send(.consumed(id)) }
                if case .failure(let error) = outcome.result, error.reason == .cancelled { throw CancellationError() }
                switch try attempts.next(after: outcome) {
                case .finished(let response):
                    isOver = true
                    return .done(response)
                case .retry(let delay):
                    try await backOff(for: delay)
                }
            }
        }
    }

    /// The pipe's next event. Only a wait is wrapped in a cancellation handler, which tells the loop to end the
    /// transfer and so wakes the wait; an event already there is taken at once, after a cheap check that the task
    /// was not cancelled meanwhile.
    private func nextEvent(of pipe: BodyPipe) async throws -> BodyPipe.Event {
        if let ready = pipe.takeReady() {
            try Task.checkCancellation()
            return ready
        }
        return await withTaskCancellationHandler {
            await pipe.waitForEvent()
        } onCancel: { [inbox = fetcher.inbox, id] in
            inbox.send(.cancel(id))
        }
    }

    /// Queues the next attempt on the loop.
    private func startAttempt() throws(FetchError) -> BodyPipe {
        let configuration = fetcher.configuration
        let pipe = BodyPipe(capacity: configuration.maxBufferedBytes, pool: fetcher.buffers, arrival: arrival)
        guard fetcher.inbox.send(.start(id, request, attempts.plan, pipe)) else {
            throw FetchError(url: request.url, reason: .shutdown)
        }
        self.pipe = pipe
        return pipe
    }

    /// Waits before a retry, shown as `.retrying` meanwhile. Not inlined into `nextEvent`, whose frame every
    /// waiting reader holds, for the few that retry.
    @inline(never)
    private func backOff(for delay: Duration) async throws {
        fetcher.board.setRetrying(
            id,
            TransferProgress(
                id: id, url: request.url, state: .retrying, received: attempts.delivered, expected: nil,
                bytesPerSecond: 0))
        // Task.sleep suspends without holding a thread, and throws CancellationError when the task is cancelled.
        try await Task.sleep(for: delay)
    }
}

@available(*, unavailable)
extension BodyReader: Sendable {}
