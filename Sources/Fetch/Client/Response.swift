/// The outcome of a finished transfer.
public struct Response: Sendable {
    public var url: String
    /// The final HTTP status (after redirects).
    public var status: Int
    /// Body bytes received.
    public var bytes: Int64
    /// The whole file's length as the server announced it, when it did: Content-Length, or the total of
    /// `Content-Range` after a 206 (a resumed body, or a `.probe`).
    public var announcedLength: Int64?
    /// "1.1", "2" or "3".
    public var httpVersion: String
    /// Seconds from the start of the transfer to its last byte.
    public var seconds: Double
    /// When curl reported the transfer done: its last byte had arrived. The consumer may see the end later, when it
    /// has worked through the bytes still buffered for it (a decoder behind on a last burst).
    public var completedAt: ContinuousClock.Instant
    /// New connections this transfer opened (0 when it reused one).
    public var newConnections: Int
    /// What a later `Request.resume` may name to continue this body (with `offset` = `bytes`): a strong ETag, else
    /// Last-Modified, when the server accepts byte ranges (after a resumed 206, the validator that was sent); nil
    /// when it cannot be resumed.
    public var resumeToken: ResumeToken?
    /// Attempts before the one that succeeded (transient failures retried), for `--verbose`.
    public var retries = 0
}
