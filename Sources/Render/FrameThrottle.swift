/// Decides whether a progress frame is due, so the screen is redrawn at most about 15 times a second.
///
/// Progress callbacks arrive far more often than a terminal can usefully show; drawing each one would spend
/// the writer's time on frames nobody sees. Image fills and failures are not throttled: they are drawn as
/// soon as they happen. Pure apart from the clock reading the caller passes in.
public struct FrameThrottle: Sendable {
    /// The pace of progress frames: about 15 a second, smooth to the eye and cheap for a slow terminal.
    public static let progressInterval: Duration = .milliseconds(66)

    public let interval: Duration
    private var lastFrame: ContinuousClock.Instant?

    public init(interval: Duration = Self.progressInterval) {
        self.interval = interval
    }

    /// True (and the frame counted as drawn) when at least `interval` has passed since the last one.
    public mutating func shouldDraw(at now: ContinuousClock.Instant) -> Bool {
        if let lastFrame, now - lastFrame < interval {
            return false
        }
        lastFrame = now
        return true
    }
}
