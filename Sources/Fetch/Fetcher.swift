import CCurl
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Downloads over HTTP(S) with every transfer running concurrently on one dedicated thread.
///
/// Tasks call `fetch`, which queues the request to the loop thread and then consumes the body on the calling
/// task as it arrives, so CPU work on the bytes (decoding) never runs on the loop thread. Call `shutdown()` when
/// done: it fails whatever is still running and ends the thread.
public final class Fetcher: Sendable {
    private let inbox: Inbox
    private let board = ProgressBoard()
    private let configuration: FetchConfiguration
    private let nextID = Atomic<UInt64>(1)
    private let exit = LoopExit()
    private let buffers: BodyBufferPool

    /// Starts libcurl's one-time set-up on a thread of its own and returns at once, so that it overlaps what the
    /// caller does before its first `Fetcher` (reading the URL list). It is the largest part of the time from
    /// `main` to the first request: about 0.8 ms here, mostly OpenSSL loading its configuration. `init` waits for
    /// it; a process that exits without making a `Fetcher` calls `waitUntilPrepared()` first.
    public static func prepareInBackground() {
        _ = LoopThread.start { _ = CurlRuntime.ensureInitialised() }
    }

    /// Returns once libcurl's set-up is done (doing it here if no thread started it). Exit's clean-up, OpenSSL's
    /// `atexit` handler among it, must not run while `prepareInBackground()`'s thread is still setting up.
    public static func waitUntilPrepared() {
        _ = CurlRuntime.ensureInitialised()
    }

    public init(configuration: FetchConfiguration = FetchConfiguration()) throws(FetchError) {
        if let problem = CurlRuntime.ensureInitialised() {
            throw FetchError(url: "", reason: .setup(problem))
        }
        guard let multi = curl_multi_init() else {
            throw FetchError(url: "", reason: .setup("curl_multi_init failed"))
        }
        var configuration = configuration
        configuration.maxInFlight = DescriptorBudget.clampToProcess(
            max(1, min(configuration.maxInFlight, FetchConfiguration.hardMaxInFlight)))
        configuration.maxPerHost = max(1, configuration.maxPerHost)
        self.configuration = configuration
        // Two buffers per transfer in flight: one being filled, one being consumed.
        buffers = BodyBufferPool(bufferSize: configuration.maxBufferedBytes, maxKept: 2 * configuration.maxInFlight)
        inbox = Inbox(multi: multi)
        let loop = FetchLoopBox(
            FetchLoop(multi: multi, inbox: inbox, configuration: configuration, board: board))
        let started = LoopThread.start { [exit] in
            LoopThread.name("gallery-fetch")
            loop.take().run()
            exit.signal()
        }
        guard started else {
            curl_multi_cleanup(multi)
            throw FetchError(url: "", reason: .setup("could not start the fetch thread"))
        }
    }

    /// Downloads `request`, handing each piece of the body to `consume` on the calling task as it arrives.
    ///
    /// `consume` borrows the bytes: the span is the engine's buffer, valid during the call only (the compiler keeps
    /// it from escaping), and reused for later bytes once the call returns. Copy what must outlive the call.
    ///
    /// Transient failures (`FetchError.Reason.isTransient`) are retried up to `configuration.retries` times, after
    /// a backoff that honours `Retry-After`; meanwhile `progress` shows the transfer as `.retrying`. A body cut
    /// short is resumed with `Range` + `If-Range` when the server offered that, so `consume` simply gets the rest.
    /// When the body must start over instead (no range support, or the file changed), `onRestart` is called first
    /// and must reset whatever `consume` built (a decoder, a partial file); `consume` then gets the body from byte
    /// 0. Without `onRestart`, a failure after bytes were consumed that cannot be resumed is not retried.
    ///
    /// `request.resume` starts the body at its offset instead (the caller already holds the bytes before it): a
    /// 206 continues there, anything else starts over through `onRestart` like a retry that cannot resume.
    ///
    /// `onValidator` is called whenever a body starts from byte 0, before its first `consume`, with what a later
    /// `Request.resume` may name to continue it (see `Response.validator`), or nil when it cannot be resumed.
    ///
    /// `onComplete` is called when the whole body has arrived (`consume` may still be working through the last
    /// bytes), on the fetch loop's thread: it must return at once. Not for a body that fails.
    ///
    /// If `consume`, `onRestart` or `onValidator` throws, the transfer is aborted at once and its error is rethrown
    /// (never retried). Cancelling the calling task removes the transfer from the loop promptly, or ends a backoff,
    /// and throws `CancellationError`.
    /// - Throws: `FetchError` (after retries: `.gaveUp`), `CancellationError`, or whatever the closures throw.
    public func fetch(
        _ request: Request, onRestart: (() async throws -> Void)? = nil,
        onValidator: ((String?) async throws -> Void)? = nil, onComplete: (@Sendable () -> Void)? = nil,
        consume: (RawSpan) async throws -> Void
    ) async throws -> Response {
        let id = TransferID(value: nextID.wrappingAdd(1, ordering: .relaxed).oldValue)
        var attempts = Attempts(request: request, policy: retryPolicy)
        // Only a transfer that waited for a retry was posted as `.retrying`.
        defer { if attempts.retries > 0 { board.setRetrying(id, nil) } }
        while true {
            let outcome = try await attempt(
                id, request, attempts.plan, delivered: &attempts.delivered, known: &attempts.known,
                onRestart: onRestart, onValidator: onValidator, onComplete: onComplete, consume: consume)
            switch try attempts.next(after: outcome, canRestart: onRestart != nil) {
            case .finished(let response): return response
            case .retry(let delay): try await backOff(id, request.url, delivered: attempts.delivered, for: delay)
            }
        }
    }

    /// Waits before a retry, shown as `.retrying` meanwhile. Not inlined into `fetch`, whose frame every waiting
    /// transfer holds, for the few that retry.
    @inline(never)
    private func backOff(_ id: TransferID, _ url: String, delivered: Int64, for delay: Duration) async throws {
        board.setRetrying(
            id,
            TransferProgress(id: id, url: url, state: .retrying, received: delivered, expected: nil, bytesPerSecond: 0))
        // Task.sleep suspends without holding a thread, and throws CancellationError when the task is cancelled.
        try await Task.sleep(for: delay)
    }

    private var retryPolicy: RetryPolicy {
        RetryPolicy(
            retries: configuration.retries, initialBackoff: configuration.retryBackoff,
            maxBackoff: configuration.maxRetryBackoff, maxRetryAfter: configuration.maxRetryAfter)
    }

    /// One attempt: queue it on the loop, feed its body to `consume`, and return how it ended.
    private func attempt(
        _ id: TransferID, _ request: Request, _ plan: AttemptPlan, delivered: inout Int64, known: inout ResumePoint?,
        onRestart: (() async throws -> Void)?, onValidator: ((String?) async throws -> Void)?,
        onComplete: (@Sendable () -> Void)?, consume: (RawSpan) async throws -> Void
    ) async throws -> AttemptOutcome {
        let pipe = BodyPipe(capacity: configuration.maxBufferedBytes, pool: buffers, onComplete: onComplete)
        guard inbox.send(.start(id, request, plan, pipe)) else {
            throw FetchError(url: request.url, reason: .shutdown)
        }
        return try await withTaskCancellationHandler {
            do {
                while true {
                    switch await pipe.next() {
                    case .begin(let offset, let validator):
                        // A 206 continues the body delivered so far, under the same validator.
                        guard offset == 0 else { continue }
                        known = validator.map { ResumePoint(validator: $0) }
                        if delivered > 0 {
                            // Only a fresh body (offset 0) can differ from what was delivered; the loop checked that
                            // a 206 starts where we asked.
                            guard let onRestart else {
                                throw FetchError(
                                    url: request.url,
                                    reason: .badResponse(
                                        "the file changed while downloading and the consumer cannot restart"))
                            }
                            try await onRestart()
                            delivered = 0
                        }
                        try await onValidator?(validator)
                    case .bytes(let buffer, let resumeProducer):
                        if resumeProducer { inbox.send(.resume(id)) }
                        try await buffer.withBytes(consume)
                        delivered += Int64(buffer.count)
                        pipe.recycle(buffer)
                    case .end(let outcome, let freesSlot):
                        if freesSlot { inbox.send(.consumed(id)) }
                        if case .failure(let error) = outcome.result, error.reason == .cancelled {
                            throw CancellationError()
                        }
                        return outcome
                    }
                }
            } catch {
                pipe.close()
                inbox.send(.cancel(id))
                throw error
            }
        } onCancel: {
            inbox.send(.cancel(id))
        }
    }

    /// Downloads the whole body into memory. For small files and tests; galleries stream with `fetch(_:consume:)`.
    public func data(_ request: Request) async throws -> (Response, [UInt8]) {
        var body: [UInt8] = []
        let response = try await fetch(request, onRestart: { body.removeAll() }) { bytes in
            bytes.withUnsafeBytes { body.append(contentsOf: $0) }
        }
        return (response, body)
    }

    /// The file's length, or nil when the server did not say: a HEAD, and where the server refuses HEAD, a GET for
    /// the first byte (`Request.Method.probe`). A failure of that GET is the error thrown.
    public func size(of url: String) async throws -> Int64? {
        do {
            return try await fetch(Request(url: url, method: .head)) { _ in }.announcedLength
        } catch let error as FetchError where Self.refusesHead(error.reason) {
            return try await fetch(Request(url: url, method: .probe)) { _ in }.announcedLength
        }
    }

    /// Answers to HEAD that mean "not this method" rather than "no such file": 405 Method Not Allowed and
    /// 501 Not Implemented say so outright; 403 is what signed URLs (S3, CloudFront, Google Cloud Storage) answer,
    /// because the signature covers the method and was made for GET. 404 is taken at its word: it nearly always
    /// means the file is gone, and probing again would double the requests for every dead link in a list.
    static func refusesHead(_ reason: FetchError.Reason) -> Bool {
        guard case .http(let status, _) = reason else { return false }
        return [403, 405, 501].contains(status)
    }

    /// What every transfer in flight is doing now.
    public var progress: [TransferProgress] { board.read() }

    /// Ends every transfer (they fail with `FetchError.Reason.shutdown`) and the loop thread. Idempotent.
    public func shutdown() async {
        inbox.send(.shutdown)
        await exit.wait()
    }
}

/// One `fetch`'s attempts so far and what the next one asks for: the retry decisions, made without suspending.
///
/// Apart from `fetch`'s body because that body is an async frame, allocated for every transfer and held while it
/// waits in the engine's queue (a thousand queued images are a thousand frames), and the decisions' temporaries made
/// each frame larger.
private struct Attempts {
    let policy: RetryPolicy
    /// Body bytes the consumer holds: from `request.resume`, then from the attempts.
    var delivered: Int64
    var plan: AttemptPlan
    /// The validator of the body delivered so far: a retry may resume under it when the attempt that failed
    /// learnt none (it failed before its headers, or its 206 did not repeat Accept-Ranges).
    var known: ResumePoint?
    var retries = 0

    enum Next {
        case finished(Response)
        case retry(after: Duration)
    }

    init(request: Request, policy: RetryPolicy) {
        self.policy = policy
        let resume = request.method == .get ? request.resume.flatMap { $0.offset > 0 ? $0 : nil } : nil
        delivered = resume?.offset ?? 0
        plan = resume.map { AttemptPlan(offset: $0.offset, validator: $0.validator) } ?? .fresh
        known = resume.map { ResumePoint(validator: $0.validator) }
    }

    /// The response, or how long to wait before the next attempt (already planned); throws when there is none.
    /// Never inlined, so its temporaries stay on the thread's stack rather than in `fetch`'s frame.
    @inline(never)
    mutating func next(after outcome: AttemptOutcome, canRestart: Bool) throws(FetchError) -> Next {
        let error: FetchError
        switch outcome.result {
        case .success(var response):
            response.retries = retries
            return .finished(response)
        case .failure(let failure): error = failure
        }
        guard error.reason.isTransient, retries < policy.retries else {
            guard retries > 0, error.reason.isTransient else { throw error }
            throw FetchError(url: error.url, reason: .gaveUp(retries: retries, last: error.reason))
        }
        if let resume = outcome.resume ?? known, delivered > 0 {
            plan = AttemptPlan(offset: delivered, validator: resume.validator)
        } else {
            // Starting over after bytes were consumed needs a consumer that can start over.
            if delivered > 0 && !canRestart { throw error }
            plan = .fresh
        }
        retries += 1
        return .retry(
            after: policy.delay(beforeRetry: retries, retryAfter: outcome.retryAfter, jitter: Double.random(in: 0...1)))
    }
}

/// Lets tasks await the end of the loop thread without blocking a thread of the cooperative pool.
private final class LoopExit: Sendable {
    private let state = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Loop thread, last thing it does.
    func signal() {
        let waiters = state.withLock { s in
            s.done = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s in
                if !s.done { s.waiters.append(continuation) }
                return s.done
            }
            if done { continuation.resume() }
        }
    }
}

/// Moves the loop object, created on the caller's thread, onto the loop thread exactly once.
private final class FetchLoopBox: @unchecked Sendable {
    // Justification: `take()` is called once, by the loop thread, after which nothing else touches `loop`.
    private var loop: FetchLoop?
    init(_ loop: FetchLoop) { self.loop = loop }
    func take() -> FetchLoop {
        guard let loop else { preconditionFailure("the fetch loop was taken twice") }
        self.loop = nil
        return loop
    }
}

/// A detached pthread running one closure: the loop must not live on the cooperative pool, which it would block.
enum LoopThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Names the calling thread for top, perf and gdb (otherwise it keeps the name of whichever pool thread started
    /// it), through /proc: Glibc's module does not export pthread_setname_np. Best effort.
    static func name(_ name: String) {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = name.utf8CString.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count - 1) }
        close(descriptor)
    }

    static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let result = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}
