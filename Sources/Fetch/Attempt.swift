/// How one attempt at a request starts: from the beginning, or resuming at `offset` with `Range` + `If-Range`.
///
/// Made by the `Fetcher` task (which decides about retries), carried to the loop in `Command.start`.
struct AttemptPlan: Sendable {
    /// Body bytes the consumer already holds; 0 for a fresh start.
    var offset: Int64 = 0
    /// The ETag or Last-Modified the earlier attempt saw, sent as `If-Range` so a changed file comes back whole.
    var validator: String? = nil

    static let fresh = AttemptPlan()
}

/// Where the server said a body may be resumed: it advertised `Accept-Ranges: bytes` and a validator.
struct ResumePoint: Sendable, Equatable {
    var validator: String
}

/// What the loop reports when an attempt ends: the result plus what the `Fetcher` needs to decide about a retry.
struct AttemptOutcome: Sendable {
    var result: Result<Response, FetchError>
    /// The server's `Retry-After`, already turned into a delay.
    var retryAfter: Duration? = nil
    /// Set when the body could be resumed with a range request.
    var resume: ResumePoint? = nil
}
