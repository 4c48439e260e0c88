/// Paces one transfer to a rate by pausing it (CURL_WRITEFUNC_PAUSE) while it is ahead of schedule.
///
/// A token bucket holding at most 100 ms of credit; a write may overdraw it, and the transfer then waits until the
/// debt is paid. It starts empty: a cap handed to one transfer after another (shortest remaining first) would
/// otherwise give each a tenth of a second of the whole budget on top, free. Done here rather than with CURLOPT_MAX_RECV_SPEED_LARGE because libcurl reads up to a second's
/// worth per call and averages over 3 s windows, which leaves short transfers on a fast link unpaced. Pacing
/// pauses are ours: like backpressure, they never count towards a stall.
/// - SeeAlso: <https://curl.se/libcurl/c/curl_easy_pause.html>
struct RatePacer {
    var bytesPerSecond: Int
    private var credit: Double
    private var last: ContinuousClock.Instant
    /// Set while the write callback is refusing bytes for pacing.
    private(set) var isHolding = false

    init(bytesPerSecond: Int, now: ContinuousClock.Instant = .now) {
        self.bytesPerSecond = max(1, bytesPerSecond)
        credit = 0
        last = now
    }

    private mutating func refill(_ now: ContinuousClock.Instant) {
        let rate = Double(bytesPerSecond)
        credit = min(rate / 10, credit + rate * (now - last).seconds)
        last = now
    }

    /// True (and holding) while the bucket is in debt. An empty bucket lets the first write through.
    mutating func mustWait(now: ContinuousClock.Instant) -> Bool {
        refill(now)
        isHolding = credit < 0
        return isHolding
    }

    mutating func spend(_ count: Int) { credit -= Double(count) }

    /// Paces at `rate` from `now` on. The time before is credited at the old rate first: a transfer held to a
    /// trickle for seconds must not come back with a tenth of a second of the new, larger rate saved up.
    mutating func change(to rate: Int, now: ContinuousClock.Instant = .now) {
        refill(now)
        bytesPerSecond = max(1, rate)
    }

    /// Loop: whether a holding transfer may run again.
    mutating func mayResume(now: ContinuousClock.Instant) -> Bool {
        guard isHolding else { return false }
        refill(now)
        if credit > 0 { isHolding = false }
        return !isHolding
    }
}
