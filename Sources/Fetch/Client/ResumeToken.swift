/// What continues a body with `Range` + `If-Range`: the bytes already held, and the validator they came under.
///
/// The one shape resuming takes everywhere: a caller hands one in `Request.resume`, a body stream reports one when a
/// body starts (`BodyEvent.restart`), a `Response` carries one, and the engine plans each retry's range with one.
/// - SeeAlso: <https://www.rfc-editor.org/rfc/rfc9110#field.if-range>
public struct ResumeToken: Sendable, Hashable {
    /// A strong ETag, else Last-Modified, of the body: sent as `If-Range`, so a changed file comes back whole.
    public var validator: String
    /// Body bytes already held, from the first; the next attempt asks for the bytes after them.
    public var offset: Int64

    public init(validator: String, offset: Int64 = 0) {
        self.validator = validator
        self.offset = offset
    }

    /// The same validator, with `offset` bytes held.
    func at(_ offset: Int64) -> ResumeToken { ResumeToken(validator: validator, offset: offset) }
}

/// What the loop reports when an attempt ends: the result plus what the `Fetcher` needs to decide about a retry.
struct AttemptOutcome: Sendable {
    var result: Result<Response, FetchError>
    /// The server's `Retry-After`, already turned into a delay.
    var retryAfter: Duration? = nil
    /// Set when the body could be resumed with a range request (its offset is not used).
    var resume: ResumeToken? = nil
}
