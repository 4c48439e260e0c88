import Synchronization

/// Downloads over HTTP(S) with every transfer running concurrently on one dedicated thread.
///
/// Tasks iterate `body(for:)`, which queues the request to the loop thread and yields the body on the iterating
/// task as it arrives, so CPU work on the bytes (decoding) never runs on the loop thread. Call `shutdown()` when
/// done: it fails whatever is still running and ends the thread.
public final class Fetcher: Sendable {
    let inbox: Inbox
    let board = ProgressBoard()
    let configuration: FetchConfiguration
    let buffers: BodyBufferPool
    /// The regimes the schedule's probe finds, in order, with when (for `--verbose`). One consumer; it ends when the
    /// engine shuts down.
    public let regimeChanges: AsyncStream<RegimeChange>
    private let nextID = Atomic<UInt64>(1)
    private let exit = LoopExit()

    /// Starts libcurl's one-time set-up on a thread of its own and returns at once, so that it overlaps what the
    /// caller does before its first `Fetcher` (reading the URL list): it is the largest part of the time from
    /// `main` to the first request, mostly OpenSSL loading its configuration. `init` waits for it; a process that
    /// exits without making a `Fetcher` calls `waitUntilPrepared()` first.
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
        guard let multi = MultiHandle(), let waker = multi.waker else {
            throw FetchError(url: "", reason: .setup("curl_multi_init failed"))
        }
        var configuration = configuration
        configuration.maxInFlight = DescriptorBudget.clampToProcess(
            max(1, min(configuration.maxInFlight, FetchConfiguration.hardMaxInFlight)))
        configuration.maxPerHost = max(1, configuration.maxPerHost)
        self.configuration = configuration
        // Two buffers per transfer in flight: one being filled, one being consumed.
        buffers = BodyBufferPool(bufferSize: configuration.maxBufferedBytes, maxKept: 2 * configuration.maxInFlight)
        inbox = Inbox(waker: waker)
        let (regimeChanges, regimes) = AsyncStream.makeStream(
            of: RegimeChange.self, bufferingPolicy: .bufferingNewest(32))
        self.regimeChanges = regimeChanges
        let loop = FetchLoopBox(
            FetchLoop(multi: multi, inbox: inbox, configuration: configuration, board: board, regimes: regimes))
        let started = LoopThread.start { [exit] in
            LoopThread.name("gallery-fetch")
            loop.take().run()
            exit.signal()
        }
        guard started else {
            throw FetchError(url: "", reason: .setup("could not start the fetch thread"))
        }
    }

    /// The body of `request` as it arrives: `.restart`, bytes, `.done` (see `BodyEvent`). The download starts when
    /// the stream is iterated, once per iteration.
    public func body(for request: Request) -> BodyStream {
        BodyStream(fetcher: self, request: request)
    }

    /// Downloads the whole body into memory. For small files and tests; galleries iterate `body(for:)`.
    public func data(_ request: Request) async throws -> (Response, [UInt8]) {
        var body: [UInt8] = []
        for try await event in self.body(for: request) {
            switch event {
            case .restart: body.removeAll()
            case .bytes(let chunk): chunk.withUnsafeBytes { body.append(contentsOf: $0) }
            case .done(let response): return (response, body)
            }
        }
        throw CancellationError()
    }

    /// The file's length, or nil when the server did not say: a HEAD, and where the server refuses HEAD, a GET for
    /// the first byte (`Request.Method.probe`). A failure of that GET is the error thrown.
    public func size(of url: String) async throws -> Int64? {
        do {
            return try await response(to: Request(url: url, method: .head)).announcedLength
        } catch let error as FetchError where Self.refusesHead(error.reason) {
            return try await response(to: Request(url: url, method: .probe)).announcedLength
        }
    }

    /// The response, ignoring any body.
    func response(to request: Request) async throws -> Response {
        for try await event in body(for: request) {
            if case .done(let response) = event { return response }
        }
        throw CancellationError()
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

    func makeTransferID() -> TransferID {
        TransferID(value: nextID.wrappingAdd(1, ordering: .relaxed).oldValue)
    }

    var retryPolicy: RetryPolicy {
        RetryPolicy(
            retries: configuration.retries, initialBackoff: configuration.retryBackoff,
            maxBackoff: configuration.maxRetryBackoff, maxRetryAfter: configuration.maxRetryAfter)
    }
}
