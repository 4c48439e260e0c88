#if canImport(Glibc)
    import Glibc
#endif

/// When to try a failed transfer again: exponential backoff with jitter, stretched to honour `Retry-After`.
///
/// Pure, so tests pin the schedule without waiting for it.
public struct RetryPolicy: Sendable {
    /// Retries after the first attempt; 0 turns retrying off.
    public var retries: Int
    /// The first backoff; each further retry doubles it.
    public var initialBackoff: Duration
    /// No backoff grows beyond this.
    public var maxBackoff: Duration
    /// A `Retry-After` longer than this is shortened to it.
    public var maxRetryAfter: Duration

    public init(retries: Int, initialBackoff: Duration, maxBackoff: Duration, maxRetryAfter: Duration) {
        self.retries = retries
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before retry number `retry` (1-based): `initialBackoff · 2^(retry−1)`, capped, plus up to 25 %
    /// jitter (`jitter` in 0...1) so clients that failed together do not return together; never shorter than the
    /// server's `Retry-After` (itself capped).
    /// - SeeAlso: <https://www.rfc-editor.org/rfc/rfc9110#field.retry-after>
    public func delay(beforeRetry retry: Int, retryAfter: Duration?, jitter: Double) -> Duration {
        let doubling = Double(1 << min(max(retry - 1, 0), 20))
        let base = min(initialBackoff.seconds * doubling, maxBackoff.seconds)
        let backoff = base * (1 + 0.25 * min(max(jitter, 0), 1))
        let asked = min(retryAfter?.seconds ?? 0, maxRetryAfter.seconds)
        return .milliseconds(Int((max(backoff, asked) * 1000).rounded()))
    }

    /// Reads a `Retry-After` value: delay-seconds ("120") or an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"),
    /// measured from `now` (seconds since 1970). Nil when it is neither; a date in the past is zero.
    public static func parseRetryAfter(_ value: String, now: Double) -> Duration? {
        let text = value.trimmingWhitespace()
        if let seconds = Int(text) { return seconds >= 0 ? .seconds(seconds) : nil }
        guard var fields = parseIMFFixdate(text) else { return nil }
        let when = Double(timegm(&fields))
        return .milliseconds(Int((max(0, when - now) * 1000).rounded()))
    }

    /// "Sun, 06 Nov 1994 08:49:37 GMT", the only date form RFC 9110 lets servers send (Glibc's strptime is not
    /// visible to Swift, and the format is fixed).
    static func parseIMFFixdate(_ text: String) -> tm? {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
            let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        var fields = tm()
        fields.tm_year = Int32(year - 1900)
        fields.tm_mon = Int32(month)
        fields.tm_mday = Int32(day)
        fields.tm_hour = Int32(clock[0])
        fields.tm_min = Int32(clock[1])
        fields.tm_sec = Int32(clock[2])
        return fields
    }

    /// Seconds since 1970, for `parseRetryAfter`.
    static var wallClockNow: Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let c = view.first, c.isWhitespace { view.removeFirst() }
        while let c = view.last, c.isWhitespace { view.removeLast() }
        return String(view)
    }
}
