/// Bytes per second over about the last second, sampled by the loop once a `spacing` (not per callback).
///
/// Over a second, not a few tens of milliseconds: servers pace in bursts (nginx's `limit_rate` sends a second's
/// worth, then waits), and short windows swing between zero and several times the real rate.
struct RateMeter {
    static let window = Duration.seconds(1)
    /// A sixteenth of the window: the span the rate is taken over then stays within 6 % of the window.
    static let spacing = window / 16
    private var samples: [(time: ContinuousClock.Instant, total: Int64)] = []
    private(set) var bytesPerSecond: Double = 0

    mutating func update(total: Int64, at now: ContinuousClock.Instant = .now) {
        samples.append((now, total))
        while samples.count > 2, now - samples[1].time >= Self.window { samples.removeFirst() }
        guard let first = samples.first else { return }
        let span = (now - first.time).seconds
        guard span >= 0.05 else { return }
        bytesPerSecond = Double(total - first.total) / span
    }
}
