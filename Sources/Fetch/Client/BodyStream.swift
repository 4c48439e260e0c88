/// What a body stream yields, in order: for each body that starts at byte 0 a `.restart`, then its bytes, and
/// finally one `.done`. A retry that resumes with `Range` just yields more bytes; one that cannot resume yields
/// `.restart` and the body again from its first byte.
public enum BodyEvent: Sendable {
    /// The body starts at byte 0: drop whatever earlier bytes built (a decoder, a partial file). The token would
    /// continue this body in a later `Request.resume`; nil when the server offers no byte ranges. Not yielded when a
    /// body continues at the offset `Request.resume` asked for (a 206).
    case restart(ResumeToken?)
    /// The next bytes of the body.
    case bytes(BodyChunk)
    /// The whole body arrived; the stream ends after this.
    case done(Response)
}

/// Bytes of a body, owned by whoever holds the chunk: the engine's buffer, returned to its pool when the last
/// reference goes. Keep chunks briefly: the engine holds at most two buffers per transfer in flight before it
/// pauses the transfer, and a held chunk makes it allocate a fresh one.
///
/// `@unchecked Sendable`: the bytes are never written once the chunk exists, and the buffer goes back to the pool
/// only from `deinit`, when nothing can read it any more.
public final class BodyChunk: @unchecked Sendable {
    private let buffer: BodyBuffer
    private let pool: BodyBufferPool

    init(_ buffer: BodyBuffer, pool: BodyBufferPool) {
        self.buffer = buffer
        self.pool = pool
    }

    deinit { pool.recycle(buffer) }

    public var count: Int { buffer.count }

    /// Lends the bytes to `body`; they must not escape it.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withExtendedLifetime(self) { try body(buffer.unsafeBytes) }
    }

    /// Lends the bytes to `body`, which may suspend (a decoder that waits for a turn); they must not escape it.
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) async throws -> Result) async rethrows
        -> Result
    {
        let result = try await body(buffer.unsafeBytes)
        withExtendedLifetime(self) {}
        return result
    }
}

/// One download's body as an `AsyncSequence` of `BodyEvent`s. Each iteration is a download: it starts when the
/// iterator is first asked, retries transient failures (after a backoff that honours `Retry-After`, shown as
/// `.retrying` meanwhile), and stops the transfer when the iterator is dropped before the end.
///
/// Cancelling the iterating task removes the transfer from the loop promptly, or ends a backoff, and throws
/// `CancellationError`. Other failures throw `FetchError` (after retries: `.gaveUp`).
public struct BodyStream: AsyncSequence, Sendable {
    public typealias Element = BodyEvent

    let fetcher: Fetcher
    let request: Request
    private let arrival = BodyArrival()

    init(fetcher: Fetcher, request: Request) {
        self.fetcher = fetcher
        self.request = request
    }

    /// Whether the whole body has arrived: curl reported it complete, though the consumer may still be working
    /// through bytes buffered for it. Readable from any thread at any time: the decode scheduler puts images with
    /// all their bytes first.
    public var lastByteArrived: Bool { arrival.hasArrived }

    public func makeAsyncIterator() -> Iterator {
        Iterator(reader: BodyReader(fetcher: fetcher, request: request, arrival: arrival))
    }

    public struct Iterator: AsyncIteratorProtocol {
        let reader: BodyReader

        public mutating func next() async throws -> BodyEvent? { try await reader.next() }
    }
}
